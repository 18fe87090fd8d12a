import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import { createLogStep } from '../../../../src/flows/steps/log.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { compileStep, messageOf, run, specAccepts } from './step-harness.js';

/** A log step whose lines land in `lines`, parsed, at level info. */
function capturingLogStep() {
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) =>
    lines.push(
      ...chunk
        .toString()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    ),
  );
  const step = createLogStep(({ component }) =>
    winston.createLogger({
      level: 'info',
      defaultMeta: { component },
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    }),
  );
  return { step, lines };
}

// winston hands lines to its stream as it writes them; a turn of the event loop makes sure they arrived.
const flushed = () => new Promise((resolve) => setImmediate(resolve));

const customer = () => messageOf('crm.customer.v1', sampleCustomer(), 'C440300000123', 'crmhub.customer.Customer');

describe('log step', () => {
  it('logs the line with its placeholders filled and passes the message on', async () => {
    const { step: definition, lines } = capturingLogStep();
    const { step, issues } = await compileStep(
      definition,
      { level: 'warn', message: 'customer {customerId} is {status} ({valueSegment}, {$count(phones)} phones) {{not a placeholder}}' },
      { input: 'Customer', index: 3 },
    );
    expect(issues).to.deep.equal([]);
    const message = customer();
    expect(await run(step, message)).to.deep.equal([message]);
    await flushed();
    expect(lines).to.deep.equal([
      {
        level: 'warn',
        message: 'customer C440300000123 is ACTIVE (GOLD, 2 phones) {not a placeholder}',
        component: 'flow',
        flow: 'test-flow',
        step: 'steps[3].log',
        topic: 'crm.customer.v1',
        key: 'C440300000123',
      },
    ]);
  });

  it('masks the personal fields of the record, however an expression reads them', async () => {
    const { step: definition, lines } = capturingLogStep();
    const { step } = await compileStep(
      definition,
      'name={fullName} id={$substring(idNumber, 0, 6)} mobile={phones[0].number} street={addresses.street} city={addresses[0].city} born={birthDate}',
      { input: 'Customer' },
    );
    await run(step, customer());
    await flushed();
    // Masked as logs, traces and dead letters mask them: a first character and a few last ones, the region of an ID number.
    expect(lines[0]?.message).to.equal(
      'name=张* id=440305 mobile=138****5678 street=["粤*******************203室","麓*****2号"] city=深圳市 born=1*******12',
    );
    const text = JSON.stringify(lines);
    for (const value of ['张伟', '13812345678', '1985-03-12', String(sampleCustomer().idNumber)]) expect(text).not.to.contain(value);
  });

  it('masks by the record the message has now, and by personal field names when the record is unknown', async () => {
    const { step: definition, lines } = capturingLogStep();
    const { step } = await compileStep(definition, 'holder={holder.name} plate={vehicle.plate} product={productName}');
    await run(step, messageOf('policy.policy.v1', samplePolicy(), null, 'crmhub.policy.Policy'));
    await run(step, messageOf('policy.policy.v1', samplePolicy()));
    await flushed();
    expect(lines.map((line) => line.message)).to.deep.equal([
      'holder=张* plate=粤****45 product=机动车商业保险',
      'holder=张* plate=粤****45 product=机动车商业保险',
    ]);
  });

  it('evaluates nothing when its level is off', async () => {
    const { step: definition, lines } = capturingLogStep();
    // The expression would fail (a decimal string in arithmetic); at level debug it is never evaluated.
    const { step } = await compileStep(definition, { level: 'debug', message: 'double premium {premium.amount * 2}' }, { input: 'Policy' });
    expect(await run(step, messageOf('policy.policy.v1', samplePolicy()))).to.have.length(1);
    await flushed();
    expect(lines).to.deep.equal([]);
  });

  it('reports problems in placeholders at their character in the template', async () => {
    const { step: definition } = capturingLogStep();
    const { issues } = await compileStep(definition, { message: 'customer {customerId} became {stauts}' }, { input: 'Customer' });
    expect(issues).to.deep.equal([
      {
        path: ['message'],
        code: 'FIELD_UNKNOWN',
        message: 'field stauts is not in crmhub.customer.Customer; did you mean status?',
        offset: 30,
      },
    ]);
    expect(specAccepts(definition, { message: 'x', level: 'verbose' })).to.equal(false);
  });
});
