import { expect } from 'chai';
import { routeStep } from '../../../../src/flows/steps/route.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { compileStep, messageOf, run, specAccepts } from './step-harness.js';

const customer = (changes: Record<string, unknown> = {}) =>
  messageOf('crm.customer.v1', { ...sampleCustomer(), ...changes }, 'C440300000123', 'crmhub.customer.Customer');

describe('route step', () => {
  it('sends a message to the first case it meets, else to otherwise (shorthand list)', async () => {
    const config = [
      { when: 'valueSegment = "PLATINUM"', to: { connector: 'erp-priority' } },
      { when: 'status = "MERGED"', to: [{ topic: 'crm.customer.v1' }, { connector: 'erp-merge' }] },
      { otherwise: { topic: 'erp.customer.v1', schema: 'ErpCustomer' } },
    ];
    expect(specAccepts(routeStep, config)).to.equal(true);
    const { step, issues } = await compileStep(routeStep, config, { input: 'Customer' });
    expect(issues).to.deep.equal([]);
    expect((await run(step, customer({ valueSegment: 'PLATINUM', status: 'MERGED' })))[0]?.destinations).to.deep.equal([
      { connector: 'erp-priority' },
    ]);
    expect((await run(step, customer({ status: 'MERGED' })))[0]?.destinations).to.deep.equal([
      { topic: 'crm.customer.v1' },
      { connector: 'erp-merge' },
    ]);
    expect((await run(step, customer()))[0]?.destinations).to.deep.equal([{ topic: 'erp.customer.v1', schema: 'ErpCustomer' }]);
  });

  it('in mode all, adds the destinations of every case met, once each, and the wiretap to all', async () => {
    const { step, issues } = await compileStep(
      routeStep,
      {
        mode: 'all',
        cases: [
          { when: 'valueSegment in ["GOLD", "PLATINUM"]', to: { connector: 'erp-priority' } },
          { when: '$mobileValid(phones[primary].number)', to: [{ connector: 'sms-gateway' }, { connector: 'erp-priority' }] },
        ],
        otherwise: { connector: 'erp-standard' },
        wiretap: { topic: 'crm.customer.v1' },
      },
      { input: 'Customer' },
    );
    expect(issues).to.deep.equal([]);
    const [both] = await run(step, customer());
    expect(both?.destinations).to.deep.equal([{ connector: 'erp-priority' }, { connector: 'sms-gateway' }, { topic: 'crm.customer.v1' }]);
    const [none] = await run(step, customer({ valueSegment: 'SILVER', phones: [] }));
    expect(none?.destinations).to.deep.equal([{ connector: 'erp-standard' }, { topic: 'crm.customer.v1' }]);
  });

  it('leaves a message no case takes as it is when there is no otherwise', async () => {
    const { step } = await compileStep(
      routeStep,
      { cases: [{ when: 'status = "DECEASED"', to: { connector: 'claims-hold' } }] },
      { input: 'Customer' },
    );
    const message = customer();
    expect(await run(step, message)).to.deep.equal([message]);
    expect(message.destinations).to.equal(undefined);
  });

  it('reports bad conditions, destinations and an otherwise that is not last', async () => {
    const { issues } = await compileStep(
      routeStep,
      [
        { when: 'segmnt = "VIP"', to: { connector: 'erp-priority' } },
        { otherwise: { topic: 'erp.customers', schema: 'ErpCustomr' } },
        { when: 'true', to: { topic: 'nowhere.v1' } },
      ],
      { input: 'Customer' },
    );
    expect(issues).to.deep.equal([
      { path: [0, 'when'], code: 'FIELD_UNKNOWN', message: 'field segmnt is not in crmhub.customer.Customer', offset: 0 },
      { path: [1], code: 'VALUE_INVALID', message: '"otherwise" must be the last item: the cases after it would never be reached' },
      {
        path: [1, 'otherwise', 'topic'],
        code: 'TOPIC_UNKNOWN',
        message:
          'topic erp.customers is not declared; did you mean erp.customer.v1? (declare it in schemas/topics.json, or under the flow\'s "topics:" with its schema)',
      },
      {
        path: [1, 'otherwise', 'schema'],
        code: 'SCHEMA_UNKNOWN',
        message: 'unknown schema ErpCustomr; did you mean crmhub.erp.ErpCustomer?',
      },
      {
        path: [2, 'to', 'topic'],
        code: 'TOPIC_UNKNOWN',
        message: 'topic nowhere.v1 is not declared (declare it in schemas/topics.json, or under the flow\'s "topics:" with its schema)',
      },
    ]);
  });

  it('reports a destination with both topic and connector, and a wiretap without otherwise', async () => {
    const { issues } = await compileStep(
      routeStep,
      { cases: [{ when: 'true', to: { topic: 'erp.customer.v1', connector: 'erp' } }], wiretap: { connector: 'audit' } },
      { input: 'Customer' },
    );
    expect(issues).to.deep.equal([
      { path: ['cases', 0, 'to'], code: 'VALUE_INVALID', message: 'a destination takes either "topic" or "connector"' },
      {
        path: ['wiretap'],
        code: 'VALUE_INVALID',
        message: 'a wiretap needs "otherwise", so that every message routed here has destinations to add it to',
      },
    ]);
    expect(specAccepts(routeStep, { cases: [{ when: 'true', to: { topc: 'x' } }] })).to.equal(false);
  });
});
