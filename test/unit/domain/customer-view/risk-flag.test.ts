import { expect } from 'chai';
import type { CustomerLossRatio, PolicyLossRatio } from '../../../../src/domain/customer-view/risk/loss-ratio.js';
import { LossRatioBook } from '../../../../src/domain/customer-view/risk/loss-ratio-book.js';
import { riskFlagFor } from '../../../../src/domain/customer-view/risk/risk-flag.js';
import { DEFAULT_RISK_THRESHOLDS, riskLevel } from '../../../../src/domain/customer-view/risk/risk-level.js';
import { riskSettingsSchema } from '../../../../src/domain/customer-view/risk/risk-settings-schema.js';
import { claimOf, money, policyOf } from './customer-view-records.js';

function policy(policyNumber: string, claimsPaid: string, lossRatio: number | null): PolicyLossRatio {
  return { policyNumber, currency: 'CNY', earnedPremium: '1000.00', claimsPaid, lossRatio };
}

function totals(lossRatio: number | null, policies: PolicyLossRatio[]): CustomerLossRatio {
  return { asOf: '2027-03-01', currency: 'CNY', earnedPremium: '1000.00', claimsPaid: '1234.56', lossRatio, policies };
}

describe('risk level', () => {
  it('starts each level at its threshold, with the schema defaults 0.6 and 1.0', () => {
    expect(DEFAULT_RISK_THRESHOLDS).to.deep.equal({ watch: 0.6, high: 1.0 });
    expect(riskSettingsSchema.properties.thresholds.properties.watch.default).to.equal(DEFAULT_RISK_THRESHOLDS.watch);
    expect([0, 0.5999, 0.6, 0.9999, 1, 3.238].map((ratio) => riskLevel(ratio))).to.deep.equal([
      'NORMAL',
      'NORMAL',
      'WATCH',
      'WATCH',
      'HIGH',
      'HIGH',
    ]);
    expect(riskLevel(null)).to.equal('NORMAL');
    expect([0.3, 0.5, 0.8].map((ratio) => riskLevel(ratio, { watch: 0.5, high: 0.8 }))).to.deep.equal(['NORMAL', 'WATCH', 'HIGH']);
  });
});

describe('riskFlagFor', () => {
  const drivers = [policy('PA', '0.00', 0), policy('PB', '900.00', 1.5), policy('PC', '334.56', 0.4)];

  it('raises a WARNING when a customer rises to WATCH and a CRITICAL when to HIGH', () => {
    expect(riskFlagFor('NORMAL', { level: 'WATCH', lossRatio: totals(0.7, drivers) })?.severity).to.equal('WARNING');
    expect(riskFlagFor(undefined, { level: 'WATCH', lossRatio: totals(0.7, drivers) })?.severity).to.equal('WARNING');
    expect(riskFlagFor('WATCH', { level: 'HIGH', lossRatio: totals(1.2346, drivers) })?.severity).to.equal('CRITICAL');
    expect(riskFlagFor('NORMAL', { level: 'HIGH', lossRatio: totals(1.2346, drivers) })?.severity).to.equal('CRITICAL');
  });

  it('raises nothing when the level stays or falls', () => {
    for (const [previous, level] of [
      ['NORMAL', 'NORMAL'],
      ['WATCH', 'WATCH'],
      ['HIGH', 'HIGH'],
      ['HIGH', 'WATCH'],
      ['WATCH', 'NORMAL'],
      [undefined, 'NORMAL'],
    ] as const) {
      expect(riskFlagFor(previous, { level, lossRatio: totals(0.7, drivers) }), `${previous} → ${level}`).to.equal(undefined);
    }
  });

  it('names the ratio and the policies that paid the most, the biggest first, as a CustomerFlag carries it', () => {
    const flag = riskFlagFor('WATCH', { level: 'HIGH', lossRatio: totals(1.2346, drivers) });
    expect(flag).to.deep.equal({
      flagType: 'HIGH_LOSS_RATIO',
      severity: 'CRITICAL',
      reason:
        'loss ratio 1.2346 (claims paid 1234.56 CNY over earned premium 1000.00 CNY at 2027-03-01) rose from WATCH to HIGH; ' +
        'driven by policies PB (claims paid 900.00, loss ratio 1.5000), PC (claims paid 334.56, loss ratio 0.4000)',
      policyNumber: 'PB',
      claimNumber: null,
      lossRatio: '1.2346',
    });
  });

  it('names at most three policies and counts the rest', () => {
    const many = ['P1', 'P2', 'P3', 'P4', 'P5'].map((number, index) => policy(number, `${100 - index}.00`, 0.1));
    const flag = riskFlagFor('NORMAL', { level: 'WATCH', lossRatio: totals(0.6, many) });
    expect(flag?.reason).to.match(/driven by policies P1 \(.*\), P2 \(.*\), P3 \(.*\) and 2 more$/);
    expect(flag?.lossRatio).to.equal('0.6000');
  });

  it('keeps personal data out of the reason, for a flag computed from real records', () => {
    const book = new LossRatioBook();
    book.upsertPolicy(policyOf());
    book.upsertClaim(claimOf({ status: 'PAID', paid: money('5000.00') }));
    const lossRatio = book.customerLossRatio(['PDAA202644030000012345'], '2027-03-01');
    const flag = riskFlagFor('NORMAL', { level: riskLevel(lossRatio.lossRatio), lossRatio });
    expect(flag?.severity).to.equal('CRITICAL');
    expect(flag?.reason).to.contain('loss ratio 5.1949').and.contain('PDAA202644030000012345');
    const record = { ...policyOf(), ...claimOf() } as Record<string, unknown>;
    const personal = [
      (record.holder as { name: string; idNumber: string }).name,
      (record.holder as { idNumber: string }).idNumber,
      '粤B12345',
      '沪AD12345',
      String(record.lossDescription),
    ];
    for (const value of personal) expect(flag?.reason).not.to.contain(value);
  });

  it('caps the ratio at what the flag decimal(9,4) holds', () => {
    expect(riskFlagFor('NORMAL', { level: 'HIGH', lossRatio: totals(250000, drivers) })?.lossRatio).to.equal('99999.9999');
  });
});
