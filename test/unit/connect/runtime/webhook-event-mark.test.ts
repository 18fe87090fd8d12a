import { expect } from 'chai';
import { repeatOf, webhookBodySha256 } from '../../../../src/connect/runtime/webhook-event-mark.js';

describe('webhook event marks', () => {
  const first = '{"eventId":"e1","records":[{"customerId":"C1","fullName":"张三","phones":[1,2]}]}';

  it('gives the same JSON value the same hash, whatever its spacing and key order', () => {
    const respaced = '{ "records": [ { "phones": [1, 2], "fullName": "张三", "customerId": "C1" } ],\n  "eventId": "e1" }';
    expect(webhookBodySha256(JSON.parse(respaced))).to.equal(webhookBodySha256(JSON.parse(first)));
    expect(webhookBodySha256(JSON.parse(first))).to.match(/^[0-9a-f]{64}$/);
  });

  it('gives another value another hash: a changed field, array order, or a key moved between objects', () => {
    const hash = webhookBodySha256(JSON.parse(first));
    expect(webhookBodySha256(JSON.parse(first.replace('张三', '李四')))).not.to.equal(hash);
    expect(webhookBodySha256(JSON.parse(first.replace('[1,2]', '[2,1]')))).not.to.equal(hash);
    expect(webhookBodySha256({ a: { b: 1 }, c: 2 })).not.to.equal(webhookBodySha256({ a: { b: 1, c: 2 } }));
    // JSON.parse makes "__proto__" an own field; sorting must keep it one, not set a prototype.
    expect(webhookBodySha256(JSON.parse('{"__proto__":{"a":1}}'))).not.to.equal(webhookBodySha256({}));
  });

  it('takes a repeat with the same body for a retry, another body for a reused id, and a mark without a hash for a retry', () => {
    const hash = webhookBodySha256(JSON.parse(first));
    expect(repeatOf({ at: '2026-12-07T10:00:00.000Z', bodySha256: hash }, hash)).to.equal('duplicate');
    expect(repeatOf({ at: '2026-12-07T10:00:00.000Z', bodySha256: hash }, webhookBodySha256({ eventId: 'e1' }))).to.equal('reused');
    // Written before marks kept a hash: nothing to compare, so as before.
    expect(repeatOf({ at: '2026-12-07T10:00:00.000Z' }, hash)).to.equal('duplicate');
  });
});
