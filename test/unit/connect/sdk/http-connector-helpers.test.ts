import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { requestHeaders } from '../../../../src/connect/sdk/api-request-headers.js';
import { changeFeedPoll, changeFeedPollProperty } from '../../../../src/connect/sdk/change-feed-poll.js';
import type { ConnectorContext, SinkRecord } from '../../../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../../../src/connect/sdk/http-api-properties.js';
import { deliveredUnlessFailed, recordIdempotencyKey } from '../../../../src/connect/sdk/http-delivery.js';
import { DeliveryError } from '../../../../src/connect/sdk/delivery-error.js';
import { createConnectorHttpClient } from '../../../../src/connect/runtime/connector-http-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';

const record: SinkRecord = {
  topic: 'crm.customer-flag.v1',
  partition: 2,
  offset: '41',
  key: 'C1',
  value: {},
  headers: {},
  schemaName: 'crmhub.crm.CustomerFlag',
} as SinkRecord;

describe('HTTP connector helpers', () => {
  let server: http.Server;
  let base: string;
  const seen: { path: string; query: Record<string, unknown>; headers: http.IncomingHttpHeaders }[] = [];
  before(async () => {
    const app = express();
    app.use((req, _res, next) => {
      seen.push({ path: req.path, query: { ...req.query }, headers: req.headers });
      next();
    });
    app.put(
      '/status/:code',
      (req, res) => void res.status(Number(req.params.code)).json({ error: { message: `answer ${req.params.code}` } }),
    );
    app.get('/feed', (req, res) => {
      if (req.headers.authorization !== 'Bearer s3cret') return void res.status(401).json({ error: { message: 'who are you' } });
      const page =
        req.query.cursor === 'p2'
          ? { items: [{ id: 'B', updatedAt: '2026-12-02T00:00:00.000Z' }], nextCursor: null }
          : { items: [{ id: 'A', updatedAt: '2026-12-01T00:00:00.000Z' }], nextCursor: 'p2' };
      res.json(page);
    });
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => (seen.length = 0));

  describe('deliveredUnlessFailed', () => {
    const http = () => createConnectorHttpClient({ baseURL: base, timeoutMs: 2000, allowPrivateNetworks: true });

    it('is delivered when the call resolves', async () => {
      expect(await deliveredUnlessFailed('PUT /status/204', () => http().put('/status/204', {}))).to.deep.equal({ ok: true });
    });

    it('fails retriably on 503 and for good on 404, naming the request', async () => {
      const busy = await deliveredUnlessFailed('PUT /status/503', () => http().put('/status/503', {}));
      const missing = await deliveredUnlessFailed('PUT /status/404', () => http().put('/status/404', {}));
      expect(busy.ok === false && busy.error)
        .to.be.instanceOf(DeliveryError)
        .and.include({ retriable: true, status: 503 });
      expect(missing.ok === false && missing.error)
        .to.be.instanceOf(DeliveryError)
        .and.include({ retriable: false, status: 404 });
      expect(missing.ok === false && missing.error.message).to.contain('PUT /status/404');
    });
  });

  describe('request headers and idempotency keys', () => {
    it('sends only the headers it has values for', () => {
      expect(requestHeaders({})).to.deep.equal({});
      expect(requestHeaders({ bearerToken: '', idempotencyKey: undefined, correlationId: 'corr-1' })).to.deep.equal({
        'X-Correlation-Id': 'corr-1',
      });
      expect(requestHeaders({ bearerToken: 't', idempotencyKey: 'k' })).to.deep.equal({
        Authorization: 'Bearer t',
        'Idempotency-Key': 'k',
      });
    });

    it('keys a record by its place in Kafka, told apart per target', () => {
      expect(recordIdempotencyKey(record)).to.equal('crm.customer-flag.v1-2-41');
      expect(recordIdempotencyKey(record, 'CRM-9')).to.equal('crm.customer-flag.v1-2-41-CRM-9');
      expect(recordIdempotencyKey({ ...record, offset: '42' })).to.not.equal(recordIdempotencyKey(record));
    });
  });

  describe('the HTTP API properties', () => {
    // The compiler connector specs go through: strict about keywords, defaults applied, formats known.
    const validate = compileConfigSchema({
      type: 'object',
      required: ['baseUrl'],
      properties: {
        baseUrl: apiBaseUrlProperty('CRM API', 'https://crm.example.com'),
        bearerToken: apiBearerTokenProperty('CRM API', 'CRM_TOKEN'),
        timeoutMs: REQUEST_TIMEOUT_PROPERTY,
      },
    });

    it('default the timeout, refuse a base URL that is not http(s) and a timeout out of bounds, and mark the token secret', () => {
      const config: Record<string, unknown> = { baseUrl: 'https://crm.example.com' };
      expect(validate(config)).to.equal(true);
      expect(config.timeoutMs).to.equal(10000);
      expect(validate({ baseUrl: 'ftp://crm.example.com' })).to.equal(false);
      expect(validate({ baseUrl: 'https://crm.example.com', timeoutMs: 5 })).to.equal(false);
      expect(apiBearerTokenProperty('CRM API', 'CRM_TOKEN')).to.include({
        writeOnly: true,
        description: 'Bearer token of the CRM API, usually ${CRM_TOKEN}',
      });
    });
  });

  describe('changeFeedPoll', () => {
    const context = {
      instance: 'feed-1',
      logger: createLogger({ level: 'error' }),
      http: (options?: { timeoutMs?: number }) => createConnectorHttpClient({ ...options, allowPrivateNetworks: true }),
    } as unknown as ConnectorContext;
    const toRecord = (event: unknown) => ({ topic: 't', key: (event as { id: string }).id, value: event as Record<string, unknown> });
    const updatedAtOf = (event: unknown) => (event as { updatedAt: string }).updatedAt;

    it('gives no poll when the instance sets no feed (webhooks only)', () => {
      expect(changeFeedPoll(undefined, context, updatedAtOf, toRecord)).to.equal(undefined);
    });

    it('pages through the configured feed with its token and page size, and resumes from the position it returned', async () => {
      const poll = changeFeedPoll(
        { url: `${base}/feed`, pageSize: 1, timeoutMs: 2000, bearerToken: 's3cret' },
        context,
        updatedAtOf,
        toRecord,
      )!;
      const first = await poll(undefined, new AbortController().signal);
      expect(first.records.map((r) => r.key)).to.deep.equal(['A']);
      expect(first.more).to.equal(true);
      const second = await poll(first.position, new AbortController().signal);
      expect(second.records.map((r) => r.key)).to.deep.equal(['B']);
      expect(seen.map((request) => [request.query.limit, request.query.cursor])).to.deep.equal([
        ['1', undefined],
        ['1', 'p2'],
      ]);
    });

    it('fails the poll when the feed refuses the token', async () => {
      const poll = changeFeedPoll(
        { url: `${base}/feed`, pageSize: 10, timeoutMs: 2000, bearerToken: 'wrong' },
        context,
        updatedAtOf,
        toRecord,
      )!;
      const failure = await poll(undefined, new AbortController().signal).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(DeliveryError).and.include({ status: 401, retriable: false });
    });

    it('declares the feed setting with the URL required and the page size defaulted', () => {
      const validate = compileConfigSchema(changeFeedPollProperty('https://claims.example.com/api/claim-events'));
      const config: Record<string, unknown> = { url: 'https://claims.example.com/api/claim-events' };
      expect(validate(config)).to.equal(true);
      expect(config).to.include({ pageSize: 100, timeoutMs: 10000 });
      expect(validate({ pageSize: 10 })).to.equal(false);
      expect(validate({ url: 'https://claims.example.com/x', startFrom: 'yesterday' })).to.equal(false);
    });
  });
});
