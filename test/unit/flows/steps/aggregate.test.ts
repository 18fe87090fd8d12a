import avro from 'avsc';
import { expect } from 'chai';
import { nameBasedUuid } from '../../../../src/core/name-based-uuid.js';
import type { FlowMessage } from '../../../../src/flows/flow-message.js';
import type { CompiledStep, StepCompileContext } from '../../../../src/flows/flow-step.js';
import { aggregateStep } from '../../../../src/flows/steps/aggregate.js';
import type { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { MemoryState, compileStep, failureOf, fire, messageOf, run, schemas, specAccepts } from './step-harness.js';

const MINUTE = 60_000;
/** The virtual wall clock stands a day after the records, so none is "more than a day ahead". */
const NOW = Date.parse('2026-03-02T00:00:00Z');

const at = (time: string) => `2026-03-01T${time}Z`;

function ticket(time: string, fields: Record<string, unknown> = {}): FlowMessage {
  return messageOf('service.request.v1', { meta: { occurredAt: at(time) }, dealerCode: 'DLR-7', ...fields });
}

async function aggregate(config: Record<string, unknown>, state = new MemoryState({ now: NOW }), index = 0) {
  const { step, issues } = await compileStep(aggregateStep, config, { state, index });
  expect(issues).to.deep.equal([]);
  return { step, state };
}

/** Runs each message in turn and gives every output and every failure code, in order. */
async function feed(step: CompiledStep, state: MemoryState, messages: FlowMessage[]): Promise<FlowMessage[]> {
  const out: FlowMessage[] = [];
  for (const message of messages) out.push(...(await run(step, message, state)));
  return out;
}

/** The window bounds, group and measures of outputs, as a consumer reads them. */
const values = (messages: FlowMessage[]) => messages.map((message) => message.value);

describe('aggregate step', () => {
  describe('tumbling windows', () => {
    const config = { groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { complaints: { count: true } } };

    it('emits each window of each group once, when the watermark reaches its end; a record exactly at the end opens the next', async () => {
      const { step, state } = await aggregate(config);
      expect(
        await feed(step, state, [ticket('00:10:00'), ticket('00:59:59.999'), ticket('00:20:00', { dealerCode: 'DLR-9' })]),
      ).to.deep.equal([]);
      expect(await fire(step, state)).to.deep.equal([]);
      await feed(step, state, [ticket('01:00:00')]);
      const closed = await fire(step, state);
      expect(closed.map((message) => [message.key, message.value])).to.deep.equal([
        ['DLR-7', { windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), dealerCode: 'DLR-7', complaints: 2 }],
        ['DLR-9', { windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), dealerCode: 'DLR-9', complaints: 1 }],
      ]);
      expect(await fire(step, state), 'a window emits once').to.deep.equal([]);
      // The closed windows' state is gone: the open one's key and timer are left (the partition's watermark is the state layer's, under w/).
      expect(state.keys().filter((key) => key.startsWith('k/') || key.startsWith('t/'))).to.have.members([
        `k/${at('01:00:00.000')}/${at('02:00:00.000')} DLR-7`,
        `t/${at('01:00:00.000')}/${at('02:00:00.000')} DLR-7`,
      ]);
    });

    it('aligns windows to UTC: a 1d window runs from midnight to midnight UTC', async () => {
      const { step, state } = await aggregate({ ...config, window: { tumbling: '1d' } });
      await feed(step, state, [
        messageOf('t', { meta: { occurredAt: '2026-03-01T07:30:00+08:00' }, dealerCode: 'D' }),
        messageOf('t', { meta: { occurredAt: '2026-03-02T00:00:00Z' }, dealerCode: 'D' }),
      ]);
      const [closed] = await fire(step, state);
      expect(closed?.value).to.include({ windowStart: '2026-02-28T00:00:00.000Z', windowEnd: '2026-03-01T00:00:00.000Z', complaints: 1 });
    });

    it('names the group field `key` when groupBy is not a plain field name, and keys the output by the group key', async () => {
      const { step, state } = await aggregate({ ...config, groupBy: '$uppercase(dealerCode)' });
      await feed(step, state, [ticket('00:10:00', { dealerCode: 'dlr-7' }), ticket('01:00:00')]);
      const [closed] = await fire(step, state);
      expect(closed?.key).to.equal('DLR-7');
      expect(closed?.value).to.deep.equal({ windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), key: 'DLR-7', complaints: 1 });
    });

    it('keeps the group value with its type (a number stays a number)', async () => {
      const { step, state } = await aggregate({ ...config, groupBy: 'branch' });
      await feed(step, state, [ticket('00:10:00', { branch: 42 }), ticket('01:00:00', { branch: 42 })]);
      const [closed] = await fire(step, state);
      expect(closed?.key).to.equal('42');
      expect(closed?.value.branch).to.equal(42);
    });
  });

  describe('measures', () => {
    const measures = {
      complaints: { count: true },
      paid: { sum: 'amountPaid' },
      fastest: { min: 'waitMinutes' },
      slowest: { max: 'waitMinutes' },
      meanWait: { avg: 'waitMinutes' },
      p90Wait: { percentile: { of: 'waitMinutes', p: 0.9 } },
      customers: { countDistinct: 'customerId' },
      lastStatus: { last: 'status' },
    };

    it('gives each measure its exact value (sums of decimal text as decimal text; last by event time, not arrival)', async () => {
      const { step, state } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, grace: '1h', measures });
      const waits = [30, 10, 50, 20, 40, 60, 70, 80, 90, 100];
      await feed(
        step,
        state,
        waits.map((wait, index) =>
          ticket(`00:${String(50 - index).padStart(2, '0')}:00`, {
            amountPaid: `${wait}.25`,
            waitMinutes: wait,
            customerId: `C${index % 3}`,
            status: `S${index}`,
          }),
        ),
      );
      // Skipped, never counted as zero: a record without the fields still counts in `complaints`.
      await feed(step, state, [ticket('00:05:00', { amountPaid: null, waitMinutes: null, customerId: null, status: null })]);
      await feed(step, state, [ticket('02:00:00')]);
      const [closed] = await fire(step, state);
      const { p90Wait, ...exact } = closed?.value ?? {};
      expect(exact).to.deep.equal({
        windowStart: at('00:00:00.000'),
        windowEnd: at('01:00:00.000'),
        dealerCode: 'DLR-7',
        complaints: 11,
        paid: '552.50',
        fastest: 10,
        slowest: 100,
        meanWait: 55,
        customers: 3,
        // The record at 00:50 is the latest by event time, though it came first.
        lastStatus: 'S0',
      });
      // Within 1 % of the exact value at rank ⌊0.9 · (10 − 1)⌋ of the ten waits: 90.
      expect(p90Wait).to.be.a('number').and.closeTo(90, 0.9);
    });

    it('gives null for min, max, avg, percentile and last of a window with no value, 0 for a sum', async () => {
      const { step, state } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, measures });
      await feed(step, state, [ticket('00:10:00'), ticket('01:00:00')]);
      const [closed] = await fire(step, state);
      expect(closed?.value).to.include({
        complaints: 1,
        paid: 0,
        fastest: null,
        slowest: null,
        meanWait: null,
        p90Wait: null,
        customers: 0,
        lastStatus: null,
      });
    });

    it('dead-letters a record whose value a measure cannot take, naming the measure, and leaves the window as it was', async () => {
      const { step, state } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, measures });
      await feed(step, state, [ticket('00:10:00', { waitMinutes: 5 })]);
      const failure = await failureOf(step, ticket('00:11:00', { waitMinutes: 'soon' }), state);
      expect(failure.code).to.equal('AGGREGATE_VALUE_INVALID');
      expect(failure.message).to.equal("measure fastest: min takes numbers or decimal text, and the record's value is not one");
      await feed(step, state, [ticket('01:00:00')]);
      const [closed] = await fire(step, state);
      expect(closed?.value).to.include({ complaints: 1, fastest: 5 });
    });
  });

  describe('hopping windows', () => {
    it('counts a record in every window that holds it: size / advance of them', async () => {
      const { step, state } = await aggregate({
        groupBy: 'dealerCode',
        window: { hopping: '1h', advance: '15m' },
        measures: { n: { count: true } },
      });
      await feed(step, state, [ticket('00:20:00'), ticket('00:44:59')]);
      await feed(step, state, [ticket('03:00:00')]);
      const closed = await fire(step, state);
      expect(closed.map((message) => [message.value.windowStart, message.value.n])).to.deep.equal([
        ['2026-02-28T23:30:00.000Z', 1],
        ['2026-02-28T23:45:00.000Z', 2],
        [at('00:00:00.000'), 2],
        [at('00:15:00.000'), 2],
        [at('00:30:00.000'), 1],
      ]);
    });
  });

  describe('session windows', () => {
    const config = { groupBy: 'dealerCode', window: { session: '30m' }, measures: { n: { count: true }, last: { last: 'status' } } };

    it('runs a session from its first record to its last plus the gap; a record a gap or more later starts another', async () => {
      const { step, state } = await aggregate(config);
      // 00:50 is exactly a gap after 00:20: a session is half-open like every window, so it starts another.
      await feed(step, state, [ticket('00:00:00'), ticket('00:20:00'), ticket('00:50:00'), ticket('01:10:00')]);
      const closed = await fire(step, state);
      expect(closed.map((message) => [message.value.windowStart, message.value.windowEnd, message.value.n])).to.deep.equal([
        [at('00:00:00.000'), at('00:50:00.000'), 2],
      ]);
      expect(state.keys().filter((key) => key.includes('DLR-7'))).to.have.members([
        `k/${at('00:50:00.000')}/${at('01:40:00.000')} DLR-7`,
        `t/${at('00:50:00.000')}/${at('01:40:00.000')} DLR-7`,
        'k/sessions DLR-7',
      ]);
    });

    it('merges two sessions a record bridges: their values fold into one, their timers go', async () => {
      const { step, state } = await aggregate({ ...config, grace: '2h' });
      await feed(step, state, [
        ticket('00:00:00', { status: 'A' }),
        ticket('00:50:00', { status: 'C' }),
        ticket('00:25:00', { status: 'B' }),
      ]);
      const timers = state.keys().filter((key) => key.startsWith('t/'));
      expect(timers).to.deep.equal([`t/${at('00:00:00.000')}/${at('01:20:00.000')} DLR-7`]);
      await feed(step, state, [ticket('04:00:00', { dealerCode: 'other' })]);
      const closed = await fire(step, state);
      expect(closed.map((message) => message.value)).to.deep.equal([
        { windowStart: at('00:00:00.000'), windowEnd: at('01:20:00.000'), dealerCode: 'DLR-7', n: 3, last: 'C' },
      ]);
      expect(
        state.keys().filter((key) => key.includes('DLR-7')),
        'nothing of the session is left',
      ).to.deep.equal([]);
    });

    it('reads its open sessions back after a restart, and still merges them', async () => {
      const state = new MemoryState({ now: NOW });
      const { step: before } = await aggregate({ ...config, grace: '2h' }, state);
      await feed(before, state, [ticket('00:00:00', { status: 'A' }), ticket('00:50:00', { status: 'C' })]);
      state.restart();
      const { step: after } = await aggregate({ ...config, grace: '2h' }, state);
      await feed(after, state, [ticket('00:25:00', { status: 'B' }), ticket('04:00:00', { dealerCode: 'other' })]);
      expect(values(await fire(after, state))).to.deep.equal([
        { windowStart: at('00:00:00.000'), windowEnd: at('01:20:00.000'), dealerCode: 'DLR-7', n: 3, last: 'C' },
      ]);
    });

    it('judges a session record late when the session it would form has closed', async () => {
      const { step, state } = await aggregate(config);
      await feed(step, state, [ticket('02:00:00')]);
      const failure = await failureOf(step, ticket('01:00:00'), state);
      expect(failure.code).to.equal('LATE_RECORD');
      expect(failure.message).to.contain(`window ${at('01:00:00.000')}/${at('01:30:00.000')}`);
    });
  });

  describe('grace and late records', () => {
    const config = { groupBy: 'dealerCode', window: { tumbling: '1h' }, grace: '10m', measures: { n: { count: true } } };

    it('counts a record within grace into the final, emits at end + grace, and dead-letters a later one with LATE_RECORD naming the window', async () => {
      const { step, state } = await aggregate(config);
      await feed(step, state, [ticket('00:30:00'), ticket('01:05:00'), ticket('00:40:00')]);
      expect(await fire(step, state), 'open until end + grace').to.deep.equal([]);
      await feed(step, state, [ticket('01:10:00')]);
      const closed = await fire(step, state);
      expect(values(closed)).to.deep.equal([{ windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), dealerCode: 'DLR-7', n: 2 }]);
      await feed(step, state, [ticket('01:25:00')]);
      const failure = await failureOf(step, ticket('00:50:00'), state);
      expect(failure.code).to.equal('LATE_RECORD');
      expect(failure.retriable).to.equal(false);
      expect(failure.message).to.equal(
        `record at ${at('00:50:00.000')} is late for window ${at('00:00:00.000')}/${at('01:00:00.000')}: it closed at ${at('01:10:00.000')} (end + grace 10m) and the watermark is 15m past that`,
      );
    });

    it('dead-letters a hopping record late for some of its windows as a whole, saying it was counted in none', async () => {
      const { step, state } = await aggregate({ ...config, grace: undefined, window: { hopping: '1h', advance: '30m' } });
      await feed(step, state, [ticket('00:10:00'), ticket('01:00:00')]);
      const failure = await failureOf(step, ticket('00:40:00'), state);
      expect(failure.code).to.equal('LATE_RECORD');
      expect(failure.message)
        .to.contain(`window ${at('00:00:00.000')}/${at('01:00:00.000')}`)
        .and.contain('not counted in its 1 open window');
      await feed(step, state, [ticket('03:00:00')]);
      const closed = await fire(step, state);
      expect(closed.map((message) => [message.value.windowStart, message.value.n])).to.deep.equal([
        ['2026-02-28T23:30:00.000Z', 1],
        [at('00:00:00.000'), 1],
        [at('00:30:00.000'), 1],
        [at('01:00:00.000'), 1],
      ]);
    });

    it('dead-letters a record without a group (GROUP_KEY_MISSING) or without an event time (EVENT_TIME_INVALID)', async () => {
      const { step, state } = await aggregate(config);
      expect((await failureOf(step, ticket('00:10:00', { dealerCode: null }), state)).code).to.equal('GROUP_KEY_MISSING');
      expect((await failureOf(step, messageOf('t', { dealerCode: 'D' }), state)).code).to.equal('EVENT_TIME_INVALID');
    });
  });

  describe('emit', () => {
    it('every: an update on each record with the values so far, then the final once the window closes; ids derive from the window', async () => {
      const { step, state } = await aggregate(
        { groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { n: { count: true } }, emit: 'every' },
        undefined,
        3,
      );
      const updates = await feed(step, state, [ticket('00:10:00'), ticket('00:20:00')]);
      expect(updates.map((message) => [message.value.n, message.headers['crm-hub-window-final']])).to.deep.equal([
        [1, 'false'],
        [2, 'false'],
      ]);
      const identity = `test-flow/steps[3].aggregate/${at('00:00:00.000')}/${at('01:00:00.000')} DLR-7`;
      expect(updates.map((message) => message.headers['crm-hub-event-id'])).to.deep.equal([
        nameBasedUuid(`${identity}/update-1`),
        nameBasedUuid(`${identity}/update-2`),
      ]);
      await feed(step, state, [ticket('01:00:00', { dealerCode: 'other' })]);
      const [closed, ...more] = await fire(step, state);
      expect(more).to.deep.equal([]);
      expect(closed?.value.n).to.equal(2);
      expect(closed?.headers).to.deep.equal({
        'crm-hub-event-id': nameBasedUuid(`${identity}/final`),
        'event-id': nameBasedUuid(`${identity}/final`),
        'correlation-id': nameBasedUuid(identity),
        'event-type': 'WindowClosed',
        'crm-hub-window': `${at('00:00:00.000')}/${at('01:00:00.000')}`,
        'crm-hub-window-final': 'true',
      });
    });

    it('every: a record within grace gives an update too, counted into the final; update ids go on numbering after a restart', async () => {
      const config = { groupBy: 'dealerCode', window: { tumbling: '1h' }, grace: '30m', measures: { n: { count: true } }, emit: 'every' };
      const state = new MemoryState({ now: NOW });
      const { step: before } = await aggregate(config, state);
      await feed(before, state, [ticket('00:10:00'), ticket('01:05:00', { dealerCode: 'other' })]);
      state.restart();
      const { step: after } = await aggregate(config, state);
      const [update] = await feed(after, state, [ticket('00:50:00')]);
      const identity = `test-flow/steps[0].aggregate/${at('00:00:00.000')}/${at('01:00:00.000')} DLR-7`;
      expect([update?.value.n, update?.headers['crm-hub-window-final'], update?.headers['crm-hub-event-id']]).to.deep.equal([
        2,
        'false',
        nameBasedUuid(`${identity}/update-2`),
      ]);
      await feed(after, state, [ticket('01:30:00', { dealerCode: 'other' })]);
      const closed = await fire(after, state);
      expect(closed.map((message) => [message.key, message.value.n, message.headers['crm-hub-window-final']])).to.deep.equal([
        ['DLR-7', 2, 'true'],
      ]);
    });

    it('final (the default): nothing until the window closes', async () => {
      const { step, state } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { n: { count: true } } });
      expect(await feed(step, state, [ticket('00:10:00'), ticket('00:20:00')])).to.deep.equal([]);
    });
  });

  describe('time on a quiet stream', () => {
    it('closes a window once the partition has been idle (time.idleTimeout) long enough for the watermark to pass its end', async () => {
      const state = new MemoryState({ now: NOW, idleTimeoutMs: MINUTE });
      const { step } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { n: { count: true } } }, state);
      await feed(step, state, [ticket('00:30:00')]);
      await state.clock.advance(29 * MINUTE);
      expect(await fire(step, state), 'the watermark is at 00:59').to.deep.equal([]);
      await state.clock.advance(MINUTE);
      expect(values(await fire(step, state))).to.deep.equal([
        { windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), dealerCode: 'DLR-7', n: 1 },
      ]);
    });
  });

  describe('restarts', () => {
    const config = { groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { n: { count: true }, total: { sum: 'amount' } } };

    it('reads its open windows back after a restart: the window emits its full values, once', async () => {
      const state = new MemoryState({ now: NOW });
      const { step: before } = await aggregate(config, state, 1);
      await feed(before, state, [ticket('00:10:00', { amount: 5 }), ticket('00:20:00', { amount: 7 })]);
      state.restart();
      const { step: after } = await aggregate(config, state, 1);
      await feed(after, state, [ticket('00:30:00', { amount: 11 }), ticket('01:00:00')]);
      const closed = await fire(after, state);
      expect(closed.map((message) => message.value)).to.deep.equal([
        { windowStart: at('00:00:00.000'), windowEnd: at('01:00:00.000'), dealerCode: 'DLR-7', n: 3, total: 23 },
      ]);
      state.restart();
      const { step: again } = await aggregate(config, state, 1);
      await feed(again, state, [ticket('01:01:00')]);
      expect(await fire(again, state), 'emitted once').to.deep.equal([]);
    });

    it('still judges a record for a window emitted on idleness late after a restart', async () => {
      const state = new MemoryState({ now: NOW, idleTimeoutMs: MINUTE });
      const { step: before } = await aggregate(config, state);
      await feed(before, state, [ticket('00:30:00')]);
      await state.clock.advance(31 * MINUTE);
      expect(await fire(before, state)).to.have.length(1);
      state.restart();
      const { step: after } = await aggregate(config, state);
      expect((await failureOf(after, ticket('00:45:00'), state)).code).to.equal('LATE_RECORD');
    });
  });

  describe('output schema', () => {
    const kpi = avro.Type.forSchema({
      type: 'record',
      name: 'crmhub.kpi.DealerComplaints',
      fields: [
        { name: 'windowStart', type: 'string' },
        { name: 'windowEnd', type: 'string' },
        { name: 'dealerCode', type: 'string' },
        { name: 'complaints', type: 'long' },
        { name: 'meanWait', type: ['null', 'double'], default: null },
        { name: 'region', type: ['null', 'string'], default: null },
      ],
    }) as avro.types.RecordType;

    /** The canonical catalog plus the KPI record above. */
    async function withKpi(): Promise<SchemaCatalog> {
      const catalog = await schemas();
      return new Proxy(catalog, {
        get(target, property, receiver) {
          if (property === 'has') return (name: string) => name === kpi.name || target.has(name);
          if (property === 'type') return (name: string) => (name === kpi.name ? kpi : target.type(name));
          if (property === 'names') return () => [...target.names(), kpi.name!];
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    }

    async function compileWithSchema(config: Record<string, unknown>, state = new MemoryState({ now: NOW })) {
      const catalog = await withKpi();
      const issues: { path: (string | number)[]; code: string; message: string }[] = [];
      const context: StepCompileContext = {
        path: ['steps', 0, 'aggregate'],
        schemas: catalog,
        flowName: 'test-flow',
        report: (path, code, message) => issues.push({ path, code, message }),
        keyedState: () => state.stateFor('steps[0].aggregate').view,
        table: () => ({ get: () => undefined }),
      };
      return { step: aggregateStep.compile({ emit: 'final', ...config } as never, context), issues, state };
    }

    it('fits the output to the record, which later steps then know', async () => {
      const { step, issues, state } = await compileWithSchema({
        groupBy: 'dealerCode',
        window: { tumbling: '1h' },
        measures: { complaints: { count: true }, meanWait: { avg: 'waitMinutes' } },
        schema: kpi.name,
      });
      expect(issues).to.deep.equal([]);
      expect(step.outputType).to.equal(kpi);
      await feed(step, state, [ticket('00:10:00', { waitMinutes: 4 }), ticket('01:00:00')]);
      const [closed] = await fire(step, state);
      expect(closed?.schemaName).to.equal(kpi.name);
      expect(closed?.value).to.deep.equal({
        windowStart: at('00:00:00.000'),
        windowEnd: at('01:00:00.000'),
        dealerCode: 'DLR-7',
        complaints: 1,
        meanWait: 4,
        region: null,
      });
    });

    it('reports, with their paths, fields the record lacks, fields it requires that nothing writes, and types that cannot hold a measure', async () => {
      const { issues } = await compileWithSchema({
        groupBy: 'dealerCode',
        window: { tumbling: '1h' },
        measures: { meanWait: { count: true }, p90: { percentile: { of: 'waitMinutes', p: 0.9 } } },
        schema: kpi.name,
      });
      expect(issues).to.deep.equal([
        {
          path: ['measures', 'p90'],
          code: 'FIELD_UNKNOWN',
          message: 'crmhub.kpi.DealerComplaints has no field p90, which the aggregate writes',
        },
        {
          path: ['schema'],
          code: 'REQUIRED_MISSING',
          message: 'crmhub.kpi.DealerComplaints requires field complaints, which the aggregate does not write',
        },
      ]);
      const { issues: typeIssues } = await compileWithSchema({
        groupBy: 'dealerCode',
        window: { tumbling: '1h' },
        measures: { complaints: { avg: 'waitMinutes' } },
        schema: kpi.name,
      });
      expect(typeIssues).to.deep.equal([
        {
          path: ['measures', 'complaints'],
          code: 'VALUE_INVALID',
          message: 'crmhub.kpi.DealerComplaints.complaints is long, which cannot hold a fraction',
        },
      ]);
      const { issues: unknown } = await compileWithSchema({
        groupBy: 'dealerCode',
        window: { tumbling: '1h' },
        measures: { n: { count: true } },
        schema: 'crmhub.kpi.DealerComplaint',
      });
      expect(unknown).to.deep.equal([
        {
          path: ['schema'],
          code: 'SCHEMA_UNKNOWN',
          message: 'unknown schema crmhub.kpi.DealerComplaint; did you mean crmhub.kpi.DealerComplaints?',
        },
      ]);
    });
  });

  describe('checks when the flow is checked', () => {
    it('reports unknown fields in measures, a p outside (0, 1), bad durations and windows, and measures named like output fields', async () => {
      const { issues } = await compileStep(
        aggregateStep,
        {
          groupBy: 'customerId',
          window: { hopping: '1h', advance: '2h' },
          grace: '2 hours',
          measures: {
            waits: { sum: 'waitMinutes' },
            p100: { percentile: { of: 'priority', p: 1 } },
            customerId: { countDistinct: 'customerId' },
          },
        },
        { input: 'ServiceRequest' },
      );
      expect(issues.map(({ path, code }) => [path.join('.'), code])).to.deep.equal([
        ['measures.waits.sum', 'FIELD_UNKNOWN'],
        ['measures.p100.percentile.p', 'VALUE_INVALID'],
        ['window', 'VALUE_INVALID'],
        ['grace', 'VALUE_INVALID'],
        ['measures.customerId', 'NAME_DUPLICATE'],
      ]);
      expect(issues.find((issue) => issue.path[0] === 'window')?.message).to.contain('advance 2h is longer than the window (1h)');
      expect(issues.find((issue) => issue.path[0] === 'grace')?.message).to.contain('grace "2 hours" is not a duration');
    });

    it('refuses hopping windows that would count each record in more than 1,000 windows', async () => {
      const { issues } = await compileStep(aggregateStep, {
        groupBy: 'dealerCode',
        window: { hopping: '1d', advance: '1m' },
        measures: { n: { count: true } },
      });
      expect(issues).to.deep.equal([
        {
          path: ['window'],
          code: 'VALUE_INVALID',
          message: 'a 1d window advancing every 1m counts each record in 1440 windows; at most 1000: advance further',
        },
      ]);
    });

    it('takes only the window shapes and measure kinds of the contract', () => {
      const base = { groupBy: 'dealerCode', measures: { n: { count: true } } };
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d' } })).to.equal(true);
      expect(specAccepts(aggregateStep, { ...base, window: { hopping: '1h', advance: '5m' } })).to.equal(true);
      expect(specAccepts(aggregateStep, { ...base, window: { session: '30m' } })).to.equal(true);
      expect(specAccepts(aggregateStep, { ...base, window: { hopping: '1h' } })).to.equal(false);
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d', session: '1h' } })).to.equal(false);
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d' }, measures: { m: { median: 'x' } } })).to.equal(false);
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d' }, measures: { m: { sum: 'x', max: 'x' } } })).to.equal(false);
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d' }, measures: { 'bad name': { count: true } } })).to.equal(
        false,
      );
      expect(specAccepts(aggregateStep, { ...base, window: { tumbling: '1d' }, emit: 'sometimes' })).to.equal(false);
    });
  });

  it('keeps one state key and one timer per open window and group', async () => {
    const { step, state } = await aggregate({ groupBy: 'dealerCode', window: { tumbling: '1h' }, measures: { n: { count: true } } });
    await feed(
      step,
      state,
      Array.from({ length: 30 }, (_, index) => ticket(`00:${String(index).padStart(2, '0')}:00`, { dealerCode: `D${index % 5}` })),
    );
    const keys = state.keys();
    expect(keys.filter((key) => key.startsWith('k/'))).to.have.length(5);
    expect(keys.filter((key) => key.startsWith('t/'))).to.have.length(5);
  });
});
