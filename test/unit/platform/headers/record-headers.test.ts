import { expect } from 'chai';
import fc from 'fast-check';
import {
  derivedRecordHeaders,
  derivedTracingHeaders,
  HEADER,
  withTracingHeaders,
} from '../../../../src/platform/headers/record-headers.js';
import { parseTraceparent } from '../../../../src/platform/headers/traceparent.js';

const headerValue = fc.oneof(fc.constantFrom('', 'corr-1', 'crm', 'CustomerUpdated'), fc.string({ maxLength: 6 }));
const traceparent = fc.oneof(fc.constant('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), fc.constant('garbage'), headerValue);
const cause = fc.record(
  {
    [HEADER.correlationId]: headerValue,
    [HEADER.eventId]: headerValue,
    [HEADER.sourceSystem]: headerValue,
    [HEADER.eventType]: headerValue,
    [HEADER.traceparent]: traceparent,
    [HEADER.stage]: headerValue,
    'x-custom': headerValue,
  },
  { requiredKeys: [] },
);
const meta = fc.option(
  fc.record(
    {
      correlationId: fc.oneof(headerValue, fc.integer()),
      eventId: headerValue,
      sourceSystem: headerValue,
      eventType: fc.oneof(headerValue, fc.constant(null)),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** Random parts (new ids, the new span) blanked: what is left must be equal. */
function blankRandom(headers: Record<string, string>, cause: Record<string, string>): Record<string, string> {
  const blank = { ...headers };
  const trace = parseTraceparent(headers[HEADER.traceparent]);
  const parent = parseTraceparent(cause[HEADER.traceparent]);
  blank[HEADER.traceparent] = parent ? `${trace?.traceId}-${trace?.flags}` : trace ? 'new trace' : 'invalid';
  for (const name of [HEADER.correlationId, HEADER.eventId])
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(blank[name] ?? '') && cause[name] === undefined)
      blank[name] = 'new id';
  return blank;
}

describe('derivedRecordHeaders', () => {
  it('gives what withTracingHeaders over derivedTracingHeaders gives: the same headers in the same order', () => {
    fc.assert(
      fc.property(cause, meta, (given, metaValue) => {
        const value = metaValue === undefined ? {} : { meta: metaValue };
        const composed = withTracingHeaders(value, { ...given, ...derivedTracingHeaders(given, 'flow:x') }, 'crm-hub');
        const merged = derivedRecordHeaders(value, given, 'flow:x', 'crm-hub');
        expect(Object.keys(merged)).to.deep.equal(Object.keys(composed));
        expect(blankRandom(merged, given)).to.deep.equal(blankRandom(composed, given));
        expect(merged[HEADER.stage]).to.equal('flow:x');
      }),
      { seed: 20261123, numRuns: 500 },
    );
  });

  it("continues the cause's trace in a span of its own, a different one for every record", () => {
    const given = { [HEADER.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const spans = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const own = parseTraceparent(derivedRecordHeaders({}, given, 'flow:x', 'crm-hub')[HEADER.traceparent]);
      expect(own?.traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
      spans.add(own!.spanId);
    }
    expect(spans.size).to.equal(2000);
  });
});
