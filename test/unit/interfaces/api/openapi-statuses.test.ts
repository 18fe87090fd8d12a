import axios, { type Method } from 'axios';
import { expect } from 'chai';
import { HubHttpServer } from '../../../../src/interfaces/api/http-server.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import type { ApiRoute } from '../../../../src/interfaces/api/api-route.js';
import { ConfigError, HubError } from '../../../../src/core/hub-error.js';
import { POINT_IN_TIME_SCHEMA } from '../../../../src/interfaces/api/request-formats.js';
import { capturedLogger } from '../../platform/observability/log-capture.js';

class BrokerDownError extends HubError {
  constructor() {
    super('BROKER_UNREACHABLE', 'the broker did not answer', { retriable: true });
  }
}

/** What a test request does to a route: the handler throws `fail` when the query says so. */
const failWith = (query: Record<string, unknown>): void => {
  if (query.fail === 'retriable') throw new BrokerDownError();
  if (query.fail === 'fatal') throw new ConfigError('SOMETHING_BROKE', "not the caller's fault");
};

/** One route of each shape the admin API declares: open or protected, with or without parameters and body. */
const ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/plain',
    operationId: 'plain',
    summary: 't',
    tag: 't',
    access: 'open',
    responses: { 200: { description: 'ok' } },
    handle: (_r, res) => res.json({}),
  },
  {
    method: 'get',
    path: '/items/{id}',
    operationId: 'getItem',
    summary: 't',
    tag: 't',
    access: 'viewer',
    parameters: [
      { name: 'id', in: 'path', description: 'item', schema: { type: 'string', maxLength: 5 } },
      { name: 'fail', in: 'query', description: 'test switch', schema: { type: 'string', enum: ['no', 'retriable', 'fatal'] } },
      { name: 'since', in: 'query', description: 'a time', schema: POINT_IN_TIME_SCHEMA },
    ],
    responses: { 200: { description: 'ok' } },
    handle: ({ query }, res) => {
      failWith(query);
      return res.json({});
    },
  },
  {
    method: 'post',
    path: '/items',
    operationId: 'addItem',
    summary: 't',
    tag: 't',
    access: 'operator',
    parameters: [{ name: 'fail', in: 'query', description: 'test switch', schema: { type: 'string', enum: ['no', 'retriable', 'fatal'] } }],
    body: {
      description: 'an item',
      maxBytes: 100,
      schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    },
    responses: { 201: { description: 'added' } },
    handle: ({ query }, res) => {
      failWith(query);
      return res.status(201).json({});
    },
  },
];

describe('the OpenAPI document lists every status the router can answer', () => {
  let server: HubHttpServer;
  let base: string;
  const viewer = 'viewer-token';

  before(async () => {
    server = new HubHttpServer(capturedLogger({ level: 'error' }).logger, {
      tokens: new ApiTokens([{ name: 'v', role: 'viewer', sha256: sha256Hex(viewer) }]),
      openPaths: new Set(),
    });
    server.addRoutes(ROUTES);
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  after(() => server.close());

  const send = (method: Method, path: string, options: { token?: string; body?: string; contentType?: string } = {}) =>
    axios.request({
      method,
      url: `${base}${path}`,
      data: options.body,
      validateStatus: () => true,
      transformRequest: [(body: unknown) => body],
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });

  const documented = (path: string, method: string): string[] => {
    const paths = server.document().paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    return Object.keys(paths[path]![method]!.responses);
  };

  it('each status a request provokes is documented for that operation, and none the route cannot answer', async () => {
    const seen = new Map<string, Set<string>>();
    const record = async (operation: string, request: Promise<{ status: number }>) => {
      const { status } = await request;
      seen.set(operation, (seen.get(operation) ?? new Set()).add(String(status)));
    };
    await record('get /plain', send('get', '/plain'));
    for (const [path, token] of [
      ['/items/a', undefined],
      ['/items/a', 'unknown'],
      ['/items/a', viewer],
      ['/items/toolong', viewer],
      ['/items/a?since=2026-02-30', viewer],
      ['/items/a?fail=retriable', viewer],
      ['/items/a?fail=fatal', viewer],
    ] as const) {
      await record('get /items/{id}', send('get', path, token ? { token } : {}));
    }
    await record('post /items', send('post', '/items', { body: '{}' }));
    await record('post /items', send('post', '/items', { body: '{}', token: viewer }));
    const operator = 'operator-token';
    const withOperator = new HubHttpServer(capturedLogger({ level: 'error' }).logger, {
      tokens: new ApiTokens([{ name: 'o', role: 'operator', sha256: sha256Hex(operator) }]),
      openPaths: new Set(),
    });
    withOperator.addRoutes(ROUTES);
    const operatorBase = `http://127.0.0.1:${await withOperator.listen(0, '127.0.0.1')}`;
    try {
      const post = (body: string, query = '', contentType = 'application/json') =>
        axios.post(`${operatorBase}/items${query}`, body, {
          validateStatus: () => true,
          transformRequest: [(data: unknown) => data],
          headers: { 'content-type': contentType, authorization: `Bearer ${operator}` },
        });
      for (const request of [
        post('{"name":"x"}'),
        post('{"unclosed":'),
        post('\u0000'),
        post('{}'),
        post(JSON.stringify({ name: 'x'.repeat(200) })),
        post('name=x', '', 'text/plain'),
        post('{"name":"x"}', '?fail=retriable'),
        post('{"name":"x"}', '?fail=fatal'),
      ]) {
        await record('post /items', request);
      }
    } finally {
      await withOperator.close();
    }

    expect(Object.fromEntries([...seen].map(([operation, statuses]) => [operation, [...statuses].sort()]))).to.deep.equal({
      'get /plain': ['200'],
      'get /items/{id}': ['200', '400', '401', '500', '503'],
      'post /items': ['201', '400', '401', '403', '413', '500', '503'],
    });
    for (const [operation, statuses] of seen) {
      const [method, path] = operation.split(' ') as [string, string];
      expect(documented(path, method), operation).to.include.members([...statuses]);
    }
    // Nothing claimed that the route cannot give: no 400 without input, no 401/403 when open, no 413 without a body.
    expect(documented('/plain', 'get').sort()).to.deep.equal(['200', '500', '503']);
    expect(documented('/items/{id}', 'get').sort()).to.deep.equal(['200', '400', '401', '403', '500', '503']);
    expect(documented('/items', 'post').sort()).to.deep.equal(['201', '400', '401', '403', '413', '500', '503']);
  });

  it('a time bound spells out its forms, so a client that does not know the custom format still knows what is valid', () => {
    const paths = server.document().paths as Record<
      string,
      Record<string, { parameters: { name: string; schema: { anyOf?: unknown[] } }[] }>
    >;
    const since = paths['/items/{id}']!.get!.parameters.find((parameter) => parameter.name === 'since')!;
    expect(since.schema.anyOf).to.deep.equal([{ format: 'date-time' }, { format: 'date' }, { pattern: '^\\d{1,6}[smhd]$' }]);
  });

  it('a method no route of a path takes: JSON 405 with Allow, whatever the method (TRACE, PROPFIND); OPTIONS: 204 with Allow', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'PATCH', 'DELETE']) {
      const response = await send(method as Method, '/items/a', { token: viewer });
      expect([response.status, response.headers.allow, response.headers['content-type'], response.data?.error?.code], method).to.deep.equal(
        [405, 'GET, HEAD', 'application/json; charset=utf-8', 'METHOD_NOT_ALLOWED'],
      );
    }
    const options = await send('options', '/items');
    expect([options.status, options.headers.allow]).to.deep.equal([204, 'POST']);
  });

  it("a literal path wins over a template that also matches it: Allow names the literal path's methods only", async () => {
    const literal = new HubHttpServer(capturedLogger({ level: 'error' }).logger, { tokens: new ApiTokens([]), openPaths: new Set() });
    literal.addRoutes([
      {
        method: 'get',
        path: '/customers/{id}',
        operationId: 'getCustomer',
        summary: 't',
        tag: 't',
        access: 'open',
        parameters: [{ name: 'id', in: 'path', description: 'id', schema: { type: 'string' } }],
        responses: { 200: { description: 'ok' } },
        handle: (_r, res) => res.json({ customer: true }),
      },
      {
        method: 'post',
        path: '/customers/unmerge',
        operationId: 'unmerge',
        summary: 't',
        tag: 't',
        access: 'open',
        responses: { 202: { description: 'ok' } },
        handle: (_r, res) => res.status(202).json({}),
      },
    ]);
    const url = `http://127.0.0.1:${await literal.listen(0, '127.0.0.1')}`;
    try {
      const get = await axios.get(`${url}/customers/unmerge`, { validateStatus: () => true });
      expect([get.status, get.headers.allow]).to.deep.equal([405, 'POST']);
      const options = await axios.options(`${url}/customers/unmerge`, { validateStatus: () => true });
      expect([options.status, options.headers.allow]).to.deep.equal([204, 'POST']);
      expect((await axios.get(`${url}/customers/C1`)).data).to.deep.equal({ customer: true });
    } finally {
      await literal.close();
    }
  });
});
