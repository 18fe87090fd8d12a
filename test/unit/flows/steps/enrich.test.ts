import { expect } from 'chai';
import express from 'express';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { enrichStep } from '../../../../src/flows/steps/enrich.js';
import { sampleClaim, sampleCustomer } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run } from './step-harness.js';

const claim = (changes: Record<string, unknown> = {}) =>
  messageOf('claims.claim.v1', { ...sampleClaim(), ...changes }, 'RDAA202631010000098765', 'crmhub.claim.Claim');

// The CRM customers as a compacted topic holds them, by customer id.
const customers = { 'crm.customer.v1': { C310100000456: { customerId: 'C310100000456', fullName: '王秀英', valueSegment: 'SILVER' } } };

describe('enrich step', () => {
  describe('from a table', () => {
    it('puts the latest value of the key in the field, and null when there is none', async () => {
      const { step, issues } = await compileStep(
        enrichStep,
        { table: { topic: 'crm.customer.v1', key: 'claimantCustomerId' }, as: 'claimant' },
        { input: 'Claim', tables: customers },
      );
      expect(issues).to.deep.equal([]);
      const [found] = await run(step, claim());
      expect(found?.value.claimant).to.deep.equal(customers['crm.customer.v1'].C310100000456);
      expect(found?.value.claimNumber).to.equal('RDAA202631010000098765');
      expect(found?.schemaName).to.equal(undefined);
      const [missing] = await run(step, claim({ claimantCustomerId: 'C999' }));
      expect(missing?.value.claimant).to.equal(null);
      expect(step.outputType).to.equal(undefined);
    });

    it('fails the message, not retriable, when the entry is required and missing', async () => {
      const { step } = await compileStep(
        enrichStep,
        { table: { topic: 'crm.customer.v1', key: 'claimantCustomerId' }, as: 'claimant', required: true },
        { input: 'Claim', tables: customers },
      );
      const error = await failureOf(step, claim({ claimantCustomerId: 'C999' }));
      expect(error).to.include({
        code: 'FLOW_ENRICH_NOT_FOUND',
        retriable: false,
        message: 'enrich: nothing found in table crm.customer.v1 for this message, and "required" is set',
      });
    });

    it('reports problems of the key and of the config', async () => {
      const { issues } = await compileStep(
        enrichStep,
        { table: { topic: 'crm.customer.v1', key: 'claimantCustomerld' }, as: 'claimant' },
        { input: 'Claim' },
      );
      expect(issues).to.deep.equal([
        {
          path: ['table', 'key'],
          code: 'FIELD_UNKNOWN',
          message: 'field claimantCustomerld is not in crmhub.claim.Claim; did you mean claimantCustomerId?',
          offset: 0,
        },
      ]);
      const { issues: neither } = await compileStep(enrichStep, { as: 'claimant' });
      expect(neither).to.deep.equal([
        { path: [], code: 'REQUIRED_MISSING', message: 'needs "table" (a compacted topic) or "http" (an API) to look up' },
      ]);
    });
  });

  describe('from an HTTP API', () => {
    let server: http.Server;
    let base: string;
    const requests: string[] = [];
    before(async () => {
      const app = express();
      app.get('/scores/:customerId', (req, res) => {
        requests.push(req.originalUrl);
        if (req.params.customerId === 'C404') return void res.status(404).json({ error: 'no such customer' });
        if (req.params.customerId === 'C503') return void res.status(503).send('maintenance');
        if (req.params.customerId === 'CSLOW') return void setTimeout(() => res.json({}), 400);
        res.json({
          customerId: req.params.customerId,
          score: 712,
          auth: req.header('authorization') ?? null,
          name: req.query.name ?? null,
        });
      });
      await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });
    beforeEach(() => (requests.length = 0));

    const customer = (changes: Record<string, unknown> = {}) =>
      messageOf('crm.customer.v1', { ...sampleCustomer(), ...changes }, 'C440300000123', 'crmhub.customer.Customer');

    it('gets the document for the URL filled from the message (encoded), with headers, and caches it', async () => {
      const config = {
        http: { url: `${base}/scores/{customerId}?name={fullName}`, headers: { authorization: 'Bearer risk-token' } },
        as: 'risk',
      };
      const { step, issues } = await compileStep(enrichStep, config, { input: 'Customer' });
      expect(issues).to.deep.equal([]);
      const [first] = await run(step, customer());
      expect(first?.value.risk).to.deep.equal({ customerId: 'C440300000123', score: 712, auth: 'Bearer risk-token', name: '张伟' });
      await run(step, customer());
      expect(requests).to.deep.equal([`/scores/C440300000123?name=${encodeURIComponent('张伟')}`]);
      await step.close?.();
    });

    it('shares one request among messages that need the same document at once, and skips the cache with a ttl of 0', async () => {
      const { step } = await compileStep(
        enrichStep,
        { http: { url: `${base}/scores/{customerId}`, cacheTtlSeconds: 0 }, as: 'risk' },
        { input: 'Customer' },
      );
      await Promise.all([run(step, customer()), run(step, customer())]);
      expect(requests).to.have.length(1);
      await run(step, customer());
      expect(requests).to.have.length(2);
    });

    it('sets null for 404 and for a URL it cannot fill', async () => {
      const { step } = await compileStep(enrichStep, { http: { url: `${base}/scores/{customerId}` }, as: 'risk' }, { input: 'Customer' });
      expect((await run(step, customer({ customerId: 'C404' })))[0]?.value.risk).to.equal(null);
      const { step: byMerged } = await compileStep(
        enrichStep,
        { http: { url: `${base}/scores/{mergedIntoCustomerId}` }, as: 'risk' },
        { input: 'Customer' },
      );
      expect((await run(byMerged, customer()))[0]?.value.risk).to.equal(null);
      expect(requests).to.deep.equal(['/scores/C404']);
    });

    it('fails with a retriable error on 5xx and timeouts, naming the URL template rather than the URL', async () => {
      const { step } = await compileStep(
        enrichStep,
        { http: { url: `${base}/scores/{customerId}`, timeoutMs: 100 }, as: 'risk' },
        { input: 'Customer' },
      );
      const unavailable = await failureOf(step, customer({ customerId: 'C503' }));
      expect(unavailable).to.include({ code: 'HTTP_503', retriable: true });
      expect(unavailable.message).to.equal(`enrich GET ${base}/scores/{customerId}: HTTP 503 maintenance`);
      const slow = await failureOf(step, customer({ customerId: 'CSLOW' }));
      expect(slow).to.include({ code: 'HTTP_TIMEOUT', retriable: true });
    });

    it('refuses hosts off the allow-list, and needs one when the host comes from the message', async () => {
      const { step } = await compileStep(
        enrichStep,
        { http: { url: `${base}/scores/{customerId}`, allowedHosts: ['risk.example.com'] }, as: 'risk' },
        { input: 'Customer' },
      );
      expect(await failureOf(step, customer())).to.include({ code: 'HOST_NOT_ALLOWED', retriable: false });
      expect(requests).to.deep.equal([]);
      const { issues } = await compileStep(
        enrichStep,
        { http: { url: 'https://{meta.sourceSystem}.example.com/scores/{customerId}' }, as: 'risk' },
        { input: 'Customer' },
      );
      expect(issues).to.deep.equal([
        {
          path: ['http', 'allowedHosts'],
          code: 'REQUIRED_MISSING',
          message: 'is required when the host of the url comes from the message',
        },
      ]);
    });

    it('reports problems of URL placeholders at their character', async () => {
      const { issues } = await compileStep(
        enrichStep,
        { http: { url: 'https://risk.example.com/scores/{customerld}?x={' }, as: 'risk' },
        { input: 'Customer' },
      );
      expect(issues).to.deep.equal([
        {
          path: ['http', 'url'],
          code: 'FIELD_UNKNOWN',
          message: 'field customerld is not in crmhub.customer.Customer; did you mean customerId?',
          offset: 33,
        },
        { path: ['http', 'url'], code: 'EXPRESSION_INVALID', message: 'a "{" without its "}": write "{{" for a literal brace', offset: 47 },
      ]);
    });
  });
});
