/**
 * The files `crm-hub new connector` writes. Each kind starts as a small but working HTTP
 * connector (most back-office systems speak HTTP) with a test that exercises it against a local
 * HTTP server: the author replaces the system-specific part and keeps a passing test throughout.
 */
export interface ScaffoldNames {
  name: string;
  /** Import path of src/ from the connector folder, e.g. `../../src`. */
  srcFromConnector: string;
  /** Import path of src/ from the connector's test/unit folder, e.g. `../../../../src`. */
  srcFromTest: string;
}

function codePrefix(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

export function sinkIndex({ name, srcFromConnector }: ScaffoldNames): string {
  const code = codePrefix(name);
  return `import { defineConnector, type ConfigOf, type DeliveryOutcome, type JSONSchema, type SinkRecord } from '${srcFromConnector}/connect/sdk/connector-definition.js';
import { REQUEST_TIMEOUT_PROPERTY } from '${srcFromConnector}/connect/sdk/http-api-properties.js';
import { HubError } from '${srcFromConnector}/core/hub-error.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri', description: 'Endpoint each record is POSTed to as JSON.' },
    token: { type: 'string', writeOnly: true, description: 'Bearer token; write \${ENV} in the hub config.' },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

/** Answers that mean "not now" rather than "never": the runtime retries these with backoff. */
const RETRIABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export default defineConnector<ConfigOf<typeof spec>>({
  name: '${name}',
  version: '0.1.0',
  kind: 'sink',
  description: 'Sends each record as JSON to an HTTP endpoint.',
  consumes: ['crm.customer.v1'],
  spec,
  create(config, context) {
    const http = context.http({ timeoutMs: config.timeoutMs });
    const headers: Record<string, string> = config.token ? { Authorization: \`Bearer \${config.token}\` } : {};

    async function deliverOne(record: SinkRecord, signal: AbortSignal): Promise<DeliveryOutcome> {
      // The system-specific part: turn the canonical record into what the target expects.
      const body = { key: record.key, value: record.value };
      try {
        const response = await http.post(config.url, body, { headers, signal, validateStatus: () => true });
        if (response.status >= 200 && response.status < 300) return { ok: true };
        const retriable = RETRIABLE_STATUS.has(response.status);
        return { ok: false, error: new HubError(retriable ? '${code}_BUSY' : '${code}_REJECTED', \`\${config.url} answered \${response.status} for key \${record.key}\`, { retriable }) };
      } catch (error) {
        // No answer at all (refused, timed out): the record may well go through later.
        return { ok: false, error: new HubError('${code}_UNREACHABLE', \`\${config.url} did not answer: \${error instanceof Error ? error.message : String(error)}\`, { retriable: true, cause: error }) };
      }
    }

    return {
      async deliver(records, signal) {
        // One at a time keeps the order of records with the same key.
        const outcomes: DeliveryOutcome[] = [];
        for (const record of records) outcomes.push(await deliverOne(record, signal));
        return outcomes;
      },
    };
  },
});
`;
}

export function sinkTest({ name, srcFromTest }: ScaffoldNames): string {
  const code = codePrefix(name);
  return `import axios from 'axios';
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorContext, SinkConnector, SinkRecord } from '${srcFromTest}/connect/sdk/connector-definition.js';
import { HubError } from '${srcFromTest}/core/hub-error.js';
import { createLogger } from '${srcFromTest}/platform/observability/logger.js';
import definition from '../../index.js';

interface Received {
  authorization: string | undefined;
  body: { key: string; value: Record<string, unknown> };
}

function record(key: string, value: Record<string, unknown> = {}): SinkRecord {
  return { topic: 'crm.customer.v1', partition: 0, offset: '0', key, value, schemaName: 'crmhub.customer.Customer', headers: {} };
}

const context: ConnectorContext = {
  instance: '${name}-test',
  logger: createLogger({ level: 'error' }),
  http: (options = {}) => axios.create({ baseURL: options.baseURL, timeout: options.timeoutMs ?? 5000 }),
};

describe('${name} sink', () => {
  let server: http.Server;
  let url: string;
  const received: Received[] = [];

  before(async () => {
    // Answers by key: "busy" gets 503, "bad" gets 422, anything else 204.
    server = http.createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const body = JSON.parse(text) as Received['body'];
        received.push({ authorization: request.headers.authorization, body });
        response.statusCode = body.key === 'busy' ? 503 : body.key === 'bad' ? 422 : 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/records\`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  async function sink(config: Record<string, unknown>): Promise<SinkConnector> {
    return definition.create({ timeoutMs: 2000, ...config } as Parameters<typeof definition.create>[0], context);
  }

  it('posts each record as JSON with the bearer token and acknowledges a 2xx answer', async () => {
    const outcomes = await (await sink({ url, token: 'test-token' })).deliver([record('C-1', { name: 'Li Wei' }), record('C-2')], new AbortController().signal);
    expect(outcomes).to.deep.equal([{ ok: true }, { ok: true }]);
    expect(received.map((entry) => entry.body)).to.deep.equal([
      { key: 'C-1', value: { name: 'Li Wei' } },
      { key: 'C-2', value: {} },
    ]);
    expect(received.every((entry) => entry.authorization === 'Bearer test-token')).to.equal(true);
  });

  it('fails a refused record for good and a busy answer retriably, record by record', async () => {
    const [busy, bad, fine] = await (await sink({ url })).deliver([record('busy'), record('bad'), record('C-3')], new AbortController().signal);
    expect(fine).to.deep.equal({ ok: true });
    expect(busy?.ok === false && busy.error).to.be.instanceOf(HubError).and.include({ code: '${code}_BUSY', retriable: true });
    expect(bad?.ok === false && bad.error).to.be.instanceOf(HubError).and.include({ code: '${code}_REJECTED', retriable: false });
  });

  it('fails retriably when the endpoint does not answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [outcome] = await (await sink({ url: \`http://127.0.0.1:\${port}/records\` })).deliver([record('C-4')], new AbortController().signal);
    expect(outcome?.ok === false && outcome.error).to.be.instanceOf(HubError).and.include({ code: '${code}_UNREACHABLE', retriable: true });
  });
});
`;
}

export function sourceIndex({ name, srcFromConnector }: ScaffoldNames): string {
  const code = codePrefix(name);
  return `import { defineConnector, type ConfigOf, type JSONSchema, type PollResult, type SourceRecord } from '${srcFromConnector}/connect/sdk/connector-definition.js';
import { REQUEST_TIMEOUT_PROPERTY } from '${srcFromConnector}/connect/sdk/http-api-properties.js';
import { HubError } from '${srcFromConnector}/core/hub-error.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri', description: 'Change feed: GET ?after=<cursor>&limit=<n> answers {"items": [{"id": ...}], "cursor": "...", "more": true|false}.' },
    token: { type: 'string', writeOnly: true, description: 'Bearer token; write \${ENV} in the hub config.' },
    pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Items asked for per poll.' },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

const TOPIC = 'crm.customer.v1';

interface FeedPage {
  items?: Record<string, unknown>[];
  cursor?: string;
  more?: boolean;
}

export default defineConnector<ConfigOf<typeof spec>>({
  name: '${name}',
  version: '0.1.0',
  kind: 'source',
  description: 'Polls an HTTP change feed with a cursor and turns each item into a record.',
  produces: [TOPIC],
  spec,
  create(config, context) {
    const http = context.http({ timeoutMs: config.timeoutMs });
    const headers: Record<string, string> = config.token ? { Authorization: \`Bearer \${config.token}\` } : {};

    // The system-specific part: the item's business key and its canonical form.
    function toRecord(item: Record<string, unknown>): SourceRecord {
      if (typeof item.id !== 'string') throw new HubError('${code}_ITEM_INVALID', \`an item of \${config.url} has no string id\`, { retriable: false });
      return { topic: TOPIC, key: item.id, value: item };
    }

    return {
      async poll(position, signal): Promise<PollResult> {
        const after = typeof position?.cursor === 'string' ? position.cursor : undefined;
        let response;
        try {
          response = await http.get<FeedPage>(config.url, { params: { limit: config.pageSize, ...(after ? { after } : {}) }, headers, signal, validateStatus: () => true });
        } catch (error) {
          throw new HubError('${code}_UNREACHABLE', \`\${config.url} did not answer: \${error instanceof Error ? error.message : String(error)}\`, { retriable: true, cause: error });
        }
        if (response.status !== 200) {
          throw new HubError('${code}_FAILED', \`\${config.url} answered \${response.status}\`, { retriable: response.status === 429 || response.status >= 500 });
        }
        const page = response.data;
        // The position is stored only once every record is in Kafka; a restart resumes from it.
        return { records: (page.items ?? []).map(toRecord), position: { cursor: page.cursor ?? after ?? null }, more: page.more === true };
      },
    };
  },
});
`;
}

export function sourceTest({ name, srcFromTest }: ScaffoldNames): string {
  const code = codePrefix(name);
  return `import axios from 'axios';
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorContext, SourceConnector } from '${srcFromTest}/connect/sdk/connector-definition.js';
import { HubError } from '${srcFromTest}/core/hub-error.js';
import { createLogger } from '${srcFromTest}/platform/observability/logger.js';
import definition from '../../index.js';

const context: ConnectorContext = {
  instance: '${name}-test',
  logger: createLogger({ level: 'error' }),
  http: (options = {}) => axios.create({ baseURL: options.baseURL, timeout: options.timeoutMs ?? 5000 }),
};

const ITEMS = [{ id: 'C-1', name: 'Li Wei' }, { id: 'C-2', name: 'Wang Fang' }, { id: 'C-3', name: 'Zhang Min' }];

describe('${name} source', () => {
  let server: http.Server;
  let url: string;
  const requests: { after: string | null; limit: string | null; authorization: string | undefined }[] = [];
  let failWith: number | undefined;

  before(async () => {
    // A change feed whose cursor is the index of the next item.
    server = http.createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
      requests.push({ after: query.get('after'), limit: query.get('limit'), authorization: request.headers.authorization });
      if (failWith) {
        response.statusCode = failWith;
        response.end();
        return;
      }
      const start = Number(query.get('after') ?? 0);
      const end = Math.min(ITEMS.length, start + Number(query.get('limit')));
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ items: ITEMS.slice(start, end), cursor: String(end), more: end < ITEMS.length }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/changes\`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    failWith = undefined;
  });

  async function source(config: Record<string, unknown>): Promise<SourceConnector> {
    return definition.create({ pageSize: 2, timeoutMs: 2000, ...config } as Parameters<typeof definition.create>[0], context);
  }

  it('reads the feed page by page, resuming from the position of the previous poll', async () => {
    const connector = await source({ url, token: 'test-token' });
    const signal = new AbortController().signal;
    const first = await connector.poll!(undefined, signal);
    expect(first.records.map((record) => record.key)).to.deep.equal(['C-1', 'C-2']);
    expect(first.records[0]).to.deep.include({ topic: 'crm.customer.v1', value: { id: 'C-1', name: 'Li Wei' } });
    expect(first.more).to.equal(true);
    const second = await connector.poll!(first.position, signal);
    expect(second.records.map((record) => record.key)).to.deep.equal(['C-3']);
    expect(second.more).to.equal(false);
    expect(requests).to.deep.equal([
      { after: null, limit: '2', authorization: 'Bearer test-token' },
      { after: '2', limit: '2', authorization: 'Bearer test-token' },
    ]);
  });

  it('fails retriably while the system is down and for good when it refuses', async () => {
    const connector = await source({ url });
    failWith = 503;
    const down = await connector.poll!(undefined, new AbortController().signal).catch((error: unknown) => error);
    expect(down).to.be.instanceOf(HubError).and.include({ code: '${code}_FAILED', retriable: true });
    failWith = 403;
    const refused = await connector.poll!(undefined, new AbortController().signal).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(HubError).and.include({ code: '${code}_FAILED', retriable: false });
  });
});
`;
}

export function connectorReadme({ name }: ScaffoldNames, kind: 'source' | 'sink'): string {
  const envName = `${codePrefix(name)}_TOKEN`;
  const behaviour =
    kind === 'sink'
      ? 'A sink: POSTs each record (`{key, value}`) as JSON to `url`. A 2xx answer acknowledges the record; 408, 425, 429 and 5xx, or no answer, fail it retriably (the runtime retries with backoff); any other answer fails it for good (dead letter).'
      : 'A source: polls a change feed (`GET url?after=<cursor>&limit=<pageSize>` answering `{"items": [...], "cursor": "...", "more": true|false}`) on the instance\'s schedule and turns each item into a record keyed by its `id`. The cursor is the stored position: after a restart polling resumes where it stopped.';
  const instance =
    kind === 'sink'
      ? `  ${name}-main:
    connector: ${name}
    topics: [crm.customer.v1]
    config:
      url: https://erp.example.com/api/customers
      token: \${${envName}}`
      : `  ${name}-main:
    connector: ${name}
    schedule: "*/30 * * * * *"
    config:
      url: https://crm.example.com/api/changes
      token: \${${envName}}
      pageSize: 200`;
  return `# ${name}

${behaviour}

Replace the system-specific part of \`index.ts\` (marked by a comment) and keep the spec and the test in step.

## Configuration

In the hub config (\`crm-hub.yaml\`):

\`\`\`yaml
connectors:
${instance}
\`\`\`

See every setting with \`npx --offline crm-hub connectors describe ${name}\`; check a config with \`npx --offline crm-hub validate crm-hub.yaml\`.
\`token\` is a secret (\`writeOnly\` in the spec): give it as \`\${${envName}}\` and it is never shown.

## Test

\`\`\`bash
npx mocha --node-option import=tsx connectors/${name}/test/unit/${name}.test.ts
\`\`\`
`;
}
