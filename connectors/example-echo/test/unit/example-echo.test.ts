import axios from 'axios';
import { expect } from 'chai';
import type { ConnectorContext, SinkRecord } from '../../../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import definition, { clearDeliveredKeys, deliveredKeys } from '../../index.js';

function context(instance: string): ConnectorContext {
  return { instance, logger: createLogger({ level: 'error' }), http: () => axios.create({ timeout: 1000 }) };
}

function record(key: string | null, value: Record<string, unknown> = {}, offset = 0): SinkRecord {
  return {
    topic: 'crm.customer.v1',
    partition: 0,
    offset: String(offset),
    key,
    value,
    schemaName: 'crmhub.customer.Customer',
    headers: {},
  };
}

const signal = new AbortController().signal;

describe('example-echo sink', () => {
  afterEach(() => clearDeliveredKeys());

  it('appends the keys of delivered records, in order, to the list of its instance', async () => {
    const sink = await definition.create({ target: 'https://erp.example.com', keyCase: 'as-is' }, context('echo-a'));
    expect(await sink.deliver([record('C-1'), record('C-2')], signal)).to.deep.equal([{ ok: true }, { ok: true }]);
    expect(await sink.deliver([record('C-3'), record(null)], signal)).to.deep.equal([{ ok: true }, { ok: true }]);
    expect(deliveredKeys('echo-a')).to.deep.equal(['C-1', 'C-2', 'C-3', '']);
    expect(deliveredKeys('echo-b')).to.deep.equal([]);
  });

  it('writes keys in the configured case', async () => {
    const sink = await definition.create({ target: 'https://erp.example.com', keyCase: 'upper' }, context('echo-upper'));
    await sink.deliver([record('c-7a')], signal);
    expect(deliveredKeys('echo-upper')).to.deep.equal(['C-7A']);
  });

  it('fails a record whose value asks for it with a non-retriable error, delivering the others', async () => {
    const sink = await definition.create({ target: 'https://erp.example.com', keyCase: 'as-is' }, context('echo-reject'));
    const [first, rejected, last] = await sink.deliver(
      [record('C-1'), record('C-2', { reject: true }, 41), record('C-3', { reject: 'yes' })],
      signal,
    );
    expect(first).to.deep.equal({ ok: true });
    expect(last).to.deep.equal({ ok: true });
    expect(rejected?.ok).to.equal(false);
    const error = rejected?.ok === false ? rejected.error : undefined;
    expect(error)
      .to.be.instanceOf(HubError)
      .and.include({ code: 'ECHO_REJECTED', retriable: false, message: 'record crm.customer.v1/0@41 asked to be rejected' });
    expect(deliveredKeys('echo-reject')).to.deep.equal(['C-1', 'C-3']);
  });
});
