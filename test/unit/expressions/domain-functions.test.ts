import { expect } from 'chai';
import { compileExpression } from '../../../src/expressions/expression-compiler.js';
import { residentIdCheckCharacter, residentIdNumber } from '../../../src/demo/synthetic/resident-id-number.js';
import { sampleCustomer, sampleClaim, samplePolicy, sampleServiceRequest } from '../../fixtures/sample-records.js';

/** The value of `text` for `input` on the fast path and through jsonata; both must agree. */
async function bothPaths(text: string, input: unknown = {}): Promise<unknown> {
  const fast = compileExpression(text);
  const slow = compileExpression(text, { fastPath: false });
  if (!fast.ok || !slow.ok) throw new Error(`${text} did not compile`);
  expect(fast.expression.compiled, text).to.equal(true);
  const [a, b] = await Promise.all([Promise.resolve().then(() => fast.expression.evaluate(input)), slow.expression.evaluate(input)]);
  expect(a, `${text}: fast path and jsonata differ`).to.deep.equal(b);
  return a;
}

async function failure(text: string, input: unknown = {}): Promise<{ code?: string; message?: string }> {
  const compiled = compileExpression(text);
  if (!compiled.ok) throw new Error(`${text} did not compile`);
  return Promise.resolve()
    .then(() => compiled.expression.evaluate(input))
    .then(
      () => ({}),
      (error: { code?: string; message?: string }) => error,
    );
}

describe('domain functions', () => {
  const zhangWei = sampleCustomer().idNumber as string;
  const wangXiuying = residentIdNumber('310115', '1972-11-08', 24);

  it('$residentIdValid checks the GB 11643 check character and the birth date', async () => {
    expect(await bothPaths('$residentIdValid(idNumber)', sampleCustomer())).to.equal(true);
    expect(await bothPaths('$residentIdValid(holder.idNumber)', samplePolicy())).to.equal(true);
    const wrongCheck = zhangWei.slice(0, 17) + (zhangWei[17] === '1' ? '2' : '1');
    expect(await bothPaths('$residentIdValid(id)', { id: wrongCheck })).to.equal(false);
    // Right check character, impossible birth date (1985-02-30).
    const first17 = '44030519850230013';
    expect(await bothPaths('$residentIdValid(id)', { id: first17 + residentIdCheckCharacter(first17) })).to.equal(false);
    expect(await bothPaths('$residentIdValid(id)', { id: '4403051985031201' })).to.equal(false);
    expect(await bothPaths('$residentIdValid(id)', { id: null })).to.equal(false);
    // Right check characters, but born in 1899 or tomorrow: typing errors, as the customer view's identity rules say.
    const bornIn1899 = '11010518991231002';
    expect(await bothPaths('$residentIdValid(id)', { id: bornIn1899 + residentIdCheckCharacter(bornIn1899) })).to.equal(false);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const bornTomorrow = `110105${tomorrow}002`;
    expect(await bothPaths('$residentIdValid(id)', { id: bornTomorrow + residentIdCheckCharacter(bornTomorrow) })).to.equal(false);
    expect(await bothPaths('$birthDateFromId(id)', { id: bornIn1899 + residentIdCheckCharacter(bornIn1899) })).to.equal(undefined);
    // Spaces are a typing habit the identity rules tolerate, but a flow's check stays on the plain form.
    expect(await bothPaths('$residentIdValid(id)', { id: `${zhangWei.slice(0, 6)} ${zhangWei.slice(6)}` })).to.equal(false);
    expect(await bothPaths('$residentIdValid(id)', {})).to.equal(undefined);
  });

  it('accepts an X check character in either case and the old 15-digit form', async () => {
    // 11010519491231002X is the standard's own example.
    expect(await bothPaths('$residentIdValid(id)', { id: '11010519491231002X' })).to.equal(true);
    expect(await bothPaths('$residentIdValid(id)', { id: '11010519491231002x' })).to.equal(true);
    // The 15-digit form of Zhang Wei's number: no century, no check character.
    const old = zhangWei.slice(0, 6) + zhangWei.slice(8, 17);
    expect(await bothPaths('$residentIdValid(id)', { id: old })).to.equal(true);
    expect(await bothPaths('$birthDateFromId(id)', { id: old })).to.equal('1985-03-12');
  });

  it('$birthDateFromId and $genderFromId read a valid number, and nothing from an invalid one', async () => {
    expect(await bothPaths('$birthDateFromId(idNumber) = birthDate', sampleCustomer())).to.equal(true);
    expect(await bothPaths('$genderFromId(idNumber)', sampleCustomer())).to.equal('MALE');
    expect(await bothPaths('$genderFromId(id)', { id: wangXiuying })).to.equal('FEMALE');
    expect(await bothPaths('$birthDateFromId(id)', { id: wangXiuying })).to.equal('1972-11-08');
    expect(await bothPaths('$birthDateFromId("440305198503120000")')).to.equal(undefined);
  });

  it('$mobileValid accepts mainland mobile numbers however they are written, and nothing else', async () => {
    expect(await bothPaths('$mobileValid(callerPhone)', sampleServiceRequest())).to.equal(true);
    for (const [phone, valid] of [
      ['+8613812345678', true],
      ['+86 138 1234 5678', true],
      ['138 1234 5678', true],
      ['19912345678', true],
      ['12812345678', false],
      ['1381234567', false],
      ['+85213812345678', false],
      ['+852 9123 4567', false],
      ['0755-86001234', false],
    ] as const) {
      expect(await bothPaths('$mobileValid(phone)', { phone }), phone).to.equal(valid);
    }
  });

  it('$plateValid accepts ordinary and new-energy CN plates', async () => {
    expect(await bothPaths('$plateValid(vehicle.plate)', samplePolicy())).to.equal(true);
    expect(await bothPaths('$plateValid(vehiclePlate)', sampleClaim())).to.equal(true);
    for (const [plate, valid] of [
      ['京A88888', true],
      ['粤B12345D', true],
      ['沪AF1234X', false],
      ['苏E1234学', true],
      ['粤I12345', false],
      ['粤B1234', false],
      ['AB12345', false],
      ['粤B123456', false],
    ] as const) {
      expect(await bothPaths('$plateValid(plate)', { plate }), plate).to.equal(valid);
    }
  });

  it('$round2 rounds half up to cents on the decimal digits, from numbers and decimal strings', async () => {
    expect(await bothPaths('$round2(premium.amount)', { premium: { amount: '3860.505' } })).to.equal(3860.51);
    expect(await bothPaths('$round2(1.005)')).to.equal(1.01);
    expect(await bothPaths('$round2(-2.675)')).to.equal(-2.68);
    expect(await bothPaths('$round2(2.674)')).to.equal(2.67);
    expect(await bothPaths('$round2("7")')).to.equal(7);
    expect(await bothPaths('$round2(-0.001)')).to.equal(0);
    expect(await bothPaths('$round2($number(reserve.amount) * 0.06)', sampleClaim())).to.equal(750);
    expect(await failure('$round2(fullName)', sampleCustomer())).to.include({
      code: 'FLOW_EXPRESSION_FAILED',
      message: '$round2 takes a number or a decimal string, got a string',
    });
  });

  it('$segment gives the value tier an amount reaches, by default or by the tiers given', async () => {
    expect(await bothPaths('$segment(premium.amount)', samplePolicy())).to.equal('BRONZE');
    expect(await bothPaths('$segment(35000)')).to.equal('GOLD');
    expect(await bothPaths('$segment(250000)')).to.equal('PLATINUM');
    expect(await bothPaths('$segment(totalPremium, {"VIP": 50000, "STANDARD": 0})', { totalPremium: '52000.00' })).to.equal('VIP');
    expect(await bothPaths('$segment(-1)')).to.equal(undefined);
    expect(await failure('$segment("many")')).to.include({ code: 'FLOW_EXPRESSION_FAILED' });
  });
});
