import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { formatConfigIssue } from '../../../src/platform/config/config-issue.js';
import { runFlowTestFile, type FlowTestDeps, type FlowTestFileResult } from '../../../src/flows/flow-test-runner.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';

/** A customer change as a YAML anchor; its event id and event time are the cases' to choose. */
const CUSTOMER = [
  'records:',
  '  customer: &customer',
  '    meta: { eventId: e-1, eventType: CustomerUpdated, sourceSystem: crm, occurredAt: "2026-03-01T00:00:00.000Z", correlationId: c-1 }',
  '    customerId: C440300000123',
  '    customerType: PERSON',
  '    fullName: 张伟',
  '    idType: RESIDENT_ID',
  '    idNumber: "440305198503120132"',
  '    gender: MALE',
  '    phones: []',
  '    addresses: []',
  '    valueSegment: PLATINUM',
  '    status: ACTIVE',
  '    createdAt: "2019-06-01T02:15:30.000Z"',
  '    updatedAt: "2026-02-28T23:59:58.123Z"',
];

/** A filter (the first stage), then dedupe by event id for an hour of event time and a map (the second stage, read from its repartition topic). */
const FLOW = [
  'name: customer-once',
  'from: crm.customer.v1',
  'steps:',
  '  - filter: status = "ACTIVE"',
  '  - dedupe: { key: meta.eventId, window: 1h }',
  '  - map: { keep: true, fields: { fullName: "$uppercase(fullName)" } }',
  'to: { topic: audit.customer.v1, schema: crmhub.customer.Customer }',
  'topics: { audit.customer.v1: { schema: crmhub.customer.Customer } }',
  '',
].join('\n');

describe('crm-hub test of stateful flows (runFlowTestFile)', () => {
  let dir: string;
  let deps: FlowTestDeps;
  let written = 0;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-flow-test-'));
    deps = { schemas: await SchemaCatalog.load(), steps: createStepRegistry(), env: {} };
    await fs.writeFile(path.join(dir, 'customer-once.yaml'), FLOW);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  /** Writes a test file of `customer-once` with these lines after `records`, and runs it. */
  const runTest = async (lines: string[], head: string[] = []): Promise<{ result: FlowTestFileResult; file: string }> => {
    const file = path.join(dir, `case-${++written}.test.yaml`);
    await fs.writeFile(file, ['flow: customer-once.yaml', ...head, ...CUSTOMER, ...lines, ''].join('\n'));
    return { result: await runFlowTestFile(file, deps), file };
  };

  const problemsOf = (result: FlowTestFileResult): string[][] => {
    expect(result.issues.map(formatConfigIssue)).to.deep.equal([]);
    return result.cases.map((testCase) => testCase.problems);
  };

  it('feeds a stateful step through the stages: the message keeps its own key and headers, the state its dedupe key', async () => {
    const { result } = await runTest([
      'clock: "2026-03-01T00:10:00Z"',
      'cases:',
      '  - name: once per event id, under the customer key',
      '    input:',
      '      - { value: *customer, headers: { traceparent: t-1 } }',
      '      - value: *customer',
      '      - value: { <<: *customer, status: MERGED, meta: { eventId: e-2, eventType: CustomerUpdated, sourceSystem: crm, occurredAt: "2026-03-01T00:01:00Z", correlationId: c-2 } }',
      '      - value: { <<: *customer, meta: { eventId: e-3, eventType: CustomerUpdated, sourceSystem: crm, occurredAt: "2026-03-01T00:02:00Z", correlationId: c-3 } }',
      '    expect:',
      '      audit.customer.v1:',
      '        - { key: C440300000123, value: { fullName: 张伟, meta: { eventId: e-1 } }, headers: { traceparent: t-1 } }',
      '        - { key: C440300000123, value: { meta: { eventId: e-3 } } }',
    ]);
    expect(problemsOf(result)).to.deep.equal([[]]);
  });

  it('shows what the second stage really sent: the original key, no repartition headers', async () => {
    const { result } = await runTest([
      'clock: "2026-03-01T00:10:00Z"',
      'cases:',
      '  - name: expects the dedupe key and a repartition header',
      '    input: [{ value: *customer }, { value: *customer }]',
      '    expect:',
      '      audit.customer.v1: [{ key: e-1, headers: { crm-hub-repartition-key: C440300000123 } }]',
      // Without a key of its own, it reaches dedupe keyed by its event id, and leaves without one again.
      '  - name: a keyless message',
      '    input: [{ key: null, value: *customer }]',
      '    expect: { audit.customer.v1: [{ key: null }] }',
    ]);
    expect(problemsOf(result)).to.deep.equal([
      [
        'audit.customer.v1[0].key: expected "e-1", got "C440300000123"',
        'audit.customer.v1[0].headers.crm-hub-repartition-key: expected "C440300000123", got no such field',
      ],
      [],
    ]);
  });

  it('keeps dedupe keys across a restart in the middle of a case', async () => {
    const { result } = await runTest([
      'clock: "2026-03-01T00:10:00Z"',
      'cases:',
      '  - name: the copy read after the restart is dropped',
      '    sequence:',
      '      - input: [{ value: *customer }]',
      '      - expect: { audit.customer.v1: [{ value: { meta: { eventId: e-1 } } }] }',
      '      - restart: true',
      '      - input: [{ value: *customer }]',
      '      - expect: {}',
      '      - input: [{ value: { <<: *customer, meta: { eventId: e-2, eventType: CustomerUpdated, sourceSystem: crm, occurredAt: "2026-03-01T00:05:00Z", correlationId: c-2 } } }]',
      '      - expect: { audit.customer.v1: [{ value: { meta: { eventId: e-2 } } }] }',
      '  - name: expecting the copy after the restart to pass fails, at the expect',
      '    sequence:',
      '      - input: [{ value: *customer }]',
      '      - restart: true',
      '      - input: [{ value: *customer }]',
      '      - expect: { audit.customer.v1: [{}, {}] }',
    ]);
    const [restarted, wrong] = problemsOf(result);
    expect(restarted).to.deep.equal([]);
    expect(wrong![0]).to.match(/case-\d+\.test\.yaml:\d+:\d+ cases\[1\]\.sequence\[3\]: what came out since the previous expect differs:$/);
    expect(wrong![1]).to.equal('  audit.customer.v1: expected 2 messages, got 1');
  });

  it('fires due timers when the clock advances: a dedupe key is forgotten once the idle watermark passes its window', async () => {
    const { result } = await runTest([
      'clock: "2026-03-01T00:00:30Z"',
      'cases:',
      '  - name: within the window (event time moved on 30 minutes by idleness) the copy is dropped, after it it passes',
      '    sequence:',
      '      - input: [{ value: *customer }]',
      '      - expect: { audit.customer.v1: [{}] }',
      '      - advance: 30m',
      '      - input: [{ value: *customer }]',
      '      - expect: {}',
      // A record read restarts idleness: the watermark moves on from its event time by the wall time since.
      '      - advance: 90m',
      '      - input: [{ value: *customer }]',
      '      - expect: { audit.customer.v1: [{ value: { meta: { eventId: e-1 } } }] }',
      '  - name: the expiry is read back with the state after a restart',
      '    sequence:',
      '      - input: [{ value: *customer }]',
      '      - restart: true',
      '      - advance: 2h',
      '      - input: [{ value: *customer }]',
      '      - expect: { audit.customer.v1: [{}, {}] }',
    ]);
    expect(problemsOf(result)).to.deep.equal([[], []]);
  });

  it('starts each case on its own clock: the file default, or the case its own', async () => {
    const { result } = await runTest([
      'clock: "2026-02-20T00:00:00Z"',
      'cases:',
      '  - name: an event more than a day ahead of the clock is a dead letter',
      '    input: [{ value: *customer }]',
      '    expect: { deadLetters: [{ key: C440300000123, code: EVENT_TIME_INVALID, step: "steps[1].dedupe", message: "more than a day ahead" }] }',
      '  - name: the same event on a clock of that day passes',
      '    clock: "2026-03-01T00:00:00+08:00"',
      '    input: [{ value: *customer }]',
      '    expect: { audit.customer.v1: [{}] }',
    ]);
    expect(problemsOf(result)).to.deep.equal([[], []]);
  });

  it('holds a sequence to account for everything: what comes out after its last expect fails the case', async () => {
    const { result } = await runTest([
      'clock: "2026-03-01T00:10:00Z"',
      'cases:',
      '  - name: no expect after the input',
      '    sequence:',
      '      - input: [{ value: *customer }]',
    ]);
    const [problems] = problemsOf(result);
    expect(problems![0]).to.match(/cases\[0\]\.sequence: more came out after the last expect \(end the sequence with an expect for it\):$/);
    expect(problems![1]).to.equal('  audit.customer.v1: expected nothing (the case does not name it), got 1 message');
  });

  it('reports a bad case or sequence item with its file:line, running no case', async () => {
    const { result, file } = await runTest([
      'cases:',
      '  - name: two kinds in one item',
      '    sequence:',
      '      - { advance: 1h, restart: true }',
      '      - advance: 3 days',
      '      - restart: false',
      '  - name: both forms',
      '    input: [{ value: *customer }]',
      '    sequence: [{ expect: {} }]',
      '  - name: no expect',
      '    input: [{ value: *customer }]',
      '  - name: a clock without a zone',
      '    clock: "2026-03-01T00:00:00"',
      '    sequence: [{ expect: {} }]',
    ]);
    const line = CUSTOMER.length + 2;
    expect(result.cases).to.deep.equal([]);
    expect(result.issues.map(formatConfigIssue)).to.deep.equal([`${file}:${line + 5}:18 cases[0].sequence[2].restart: must be true`]);
    // The schema's findings first; the shape is checked once they are fixed.
    const fixed = await runTest([
      'cases:',
      '  - name: two kinds in one item',
      '    sequence:',
      '      - { advance: 1h, restart: true }',
      '      - advance: 3 days',
      '  - name: both forms',
      '    input: [{ value: *customer }]',
      '    sequence: [{ expect: {} }]',
      '  - name: no expect',
      '    input: [{ value: *customer }]',
      '  - name: a clock without a zone',
      '    clock: "2026-03-01T00:00:00"',
      '    sequence: [{ expect: {} }]',
    ]);
    expect(fixed.result.issues.map(formatConfigIssue)).to.deep.equal([
      `${fixed.file}:${line + 3}:9 cases[0].sequence[0]: a sequence item is one of input, advance, restart, expect; it has advance and restart`,
      `${fixed.file}:${line + 4}:18 cases[0].sequence[1].advance: advance "3 days" is not a duration: give a whole number of up to 6 digits followed by ms, s, m, h or d (250ms, 30s, 30m, 2h, 1d)`,
      `${fixed.file}:${line + 6}:5 cases[1].input: a case with a sequence has its input in the sequence ({ input: ... }): a case has input and expect, or a sequence`,
      `${fixed.file}:${line + 8}:5 cases[2]: expect is missing: a case has input and expect, or a sequence`,
      `${fixed.file}:${line + 11}:12 cases[3].clock: "2026-03-01T00:00:00" is not an instant with a zone, e.g. 2026-03-01T00:00:00Z`,
    ]);
  });
});

/** A timeout (the first stateful stage) whose timer's record goes on through a dedupe (the second) and a map. */
const STALLED_FLOW = [
  'name: claim-stalled',
  'from: claims.claim.v1',
  'steps:',
  '  - timeout: { key: claimNumber, after: 3d, until: status = "ASSESSING", then: continue }',
  '  - dedupe: { key: meta.eventId, window: 30d }',
  '  - map: { keep: true, fields: { lossDescription: \'"stalled"\' } }',
  'to: { topic: audit.claim.v1, schema: crmhub.claim.Claim }',
  'topics: { audit.claim.v1: { schema: crmhub.claim.Claim } }',
  '',
].join('\n');

const STALLED_TEST = [
  'flow: claim-stalled.yaml',
  'clock: "2026-12-15T11:52:10Z"',
  'records:',
  '  reported: &reported',
  '    meta: { eventId: ev-reported, eventType: ClaimReported, sourceSystem: claims, occurredAt: "2026-12-15T11:42:10.000Z", correlationId: c-1 }',
  '    claimNumber: RDAA202631010000098765',
  '    policyNumber: PDAA202631010000054321',
  '    claimantCustomerId: C310100000456',
  '    lossDate: "2026-12-15"',
  '    reportedAt: "2026-12-15T11:42:10.000Z"',
  '    lossType: COLLISION',
  '    lossDescription: 后车追尾',
  '    lossLocation: 上海市浦东新区',
  '    vehiclePlate: 沪AD12345',
  '    status: REPORTED',
  '    reserve: { amount: "0.00", currency: CNY }',
  '    paid: { amount: "0.00", currency: CNY }',
  'cases:',
  '  - name: the timer fires once when the idle watermark reaches it, across restarts, and its record goes through the later stages',
  '    sequence:',
  '      - input: [{ value: *reported }]',
  '      - restart: true',
  '      - advance: 2d',
  '      - expect: {}',
  '      - advance: 1d',
  '      - expect: { audit.claim.v1: [{ key: RDAA202631010000098765, value: { status: REPORTED, lossDescription: stalled, meta: { eventId: ev-reported } } }] }',
  '      - advance: 3d',
  '      - restart: true',
  '      - advance: 1d',
  '      - expect: {}',
  '  - name: a record meeting until cancels the timer',
  '    sequence:',
  '      - input: [{ value: *reported }]',
  '      - advance: 2d',
  '      - input: [{ value: { <<: *reported, status: ASSESSING, meta: { eventId: ev-assessing, eventType: ClaimAssessed, sourceSystem: claims, occurredAt: "2026-12-17T11:42:10.000Z", correlationId: c-1 } } }]',
  '      - advance: 5d',
  '      - expect: {}',
  '  - name: expecting the timeout before it is due fails',
  '    sequence:',
  '      - input: [{ value: *reported }]',
  '      - advance: 2d',
  '      - expect: { audit.claim.v1: [{}] }',
  '      - advance: 1d',
  '      - expect: { audit.claim.v1: [{}] }',
  '',
].join('\n');

describe('crm-hub test of a timeout flow', () => {
  it('fires timers on advance, through the stages after, once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-flow-test-'));
    try {
      await fs.writeFile(path.join(dir, 'claim-stalled.yaml'), STALLED_FLOW);
      await fs.writeFile(path.join(dir, 'claim-stalled.test.yaml'), STALLED_TEST);
      const deps = { schemas: await SchemaCatalog.load(), steps: createStepRegistry(), env: {} };
      const result = await runFlowTestFile(path.join(dir, 'claim-stalled.test.yaml'), deps);
      expect(result.issues.map(formatConfigIssue)).to.deep.equal([]);
      const [fired, cancelled, early] = result.cases.map((testCase) => testCase.problems);
      expect(fired).to.deep.equal([]);
      expect(cancelled).to.deep.equal([]);
      expect(early).to.have.length(3);
      expect(early![0]).to.match(/cases\[2\]\.sequence\[2\]: what came out since the previous expect differs:$/);
      expect(early![1]).to.equal('  audit.claim.v1: expected 1 message, got 0');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
