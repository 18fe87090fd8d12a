import { expect } from 'chai';
import express from 'express';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from '../../../../src/platform/http/http-client.js';
import { classifyHttpFailure, type ErrorAnswer, type NoAnswer } from '../../../../src/platform/http/http-failure.js';
import { registerSecret } from '../../../../src/platform/observability/secret-registry.js';

describe('classifyHttpFailure', () => {
  let server: http.Server;
  let base: string;
  const password = `pw-${randomUUID()}`;
  before(async () => {
    registerSecret(password);
    const app = express();
    app.get('/status/:code', (req, res) => {
      if (req.query.retryAfter) res.set('Retry-After', String(req.query.retryAfter));
      res.status(Number(req.params.code)).json({ message: `answer ${req.params.code}` });
    });
    app.get('/quote', (_req, res) => res.status(401).send(`wrong password ${password}`));
    app.get('/slow', () => undefined); // never answers
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const failureOf = async (url: string, timeoutMs = 5000) =>
    classifyHttpFailure(
      await createHttpClient({ timeoutMs })
        .get(url)
        .catch((e: unknown) => e),
    );

  it('takes 408, 429 and 5xx answers for passing, other 4xx not, with the body and Retry-After', async () => {
    const verdicts: [number, boolean][] = [];
    for (const status of [400, 401, 404, 409, 422, 408, 429, 500, 503]) {
      const failure = (await failureOf(`${base}/status/${status}`)) as ErrorAnswer;
      expect(failure.answered).to.equal(true);
      expect(failure.status).to.equal(status);
      expect(failure.data).to.deep.equal({ message: `answer ${status}` });
      expect(failure.body).to.equal(`{"message":"answer ${status}"}`);
      verdicts.push([status, failure.retriable]);
    }
    expect(verdicts.filter(([, retriable]) => retriable).map(([status]) => status)).to.deep.equal([408, 429, 500, 503]);
    expect(((await failureOf(`${base}/status/503?retryAfter=4`)) as ErrorAnswer).retryAfterMs).to.equal(4000);
  });

  it('takes a refused connection and a timeout for passing, and says which timed out', async () => {
    const refused = (await failureOf('http://127.0.0.1:1/')) as NoAnswer;
    expect([refused.answered, refused.timedOut, refused.retriable]).to.deep.equal([false, false, true]);
    const slow = (await failureOf(`${base}/slow`, 100)) as NoAnswer;
    expect([slow.answered, slow.timedOut, slow.retriable]).to.deep.equal([false, true, true]);
    expect(slow.reason).to.contain('timeout of 100ms exceeded');
  });

  it('cuts registered secrets out of the body it carries', async () => {
    const failure = (await failureOf(`${base}/quote`)) as ErrorAnswer;
    expect(failure.body).to.equal('wrong password [redacted]');
  });

  it('has nothing to say about what did not come from an HTTP request', () => {
    expect(classifyHttpFailure(new Error('boom'))).to.equal(undefined);
  });
});
