import { expect } from 'chai';
import fc from 'fast-check';
import { dayNumberOf, dayOfNumber } from '../../../../src/domain/customer-view/risk/calendar-day.js';
import { CustomerViewDataError } from '../../../../src/domain/customer-view/risk/customer-view-data-error.js';
import { LossRatioBook } from '../../../../src/domain/customer-view/risk/loss-ratio-book.js';
import { centsOf } from '../../../../src/domain/customer-view/risk/money-cents.js';
import { claimOf, metaAt, money, policyOf } from './customer-view-records.js';

const POLICY = 'PDAA202644030000012345';

function bookWith(...records: ReturnType<typeof policyOf | typeof claimOf>[]): LossRatioBook {
  const book = new LossRatioBook();
  for (const record of records) {
    if ('claimNumber' in record) book.upsertClaim(record as ReturnType<typeof claimOf>);
    else book.upsertPolicy(record as ReturnType<typeof policyOf>);
  }
  return book;
}

describe('LossRatioBook', () => {
  describe('earned premium', () => {
    it('prorates the premium by cover days to the cent: 3860.50 over 365 days', () => {
      const book = bookWith(policyOf());
      // 2026-12-01 to 2027-03-01 inclusive is 91 days: 3860.50 × 91 / 365 = 962.4808… → 962.48.
      expect(book.policyLossRatio(POLICY, '2027-03-01').earnedPremium).to.equal('962.48');
      // The first day of cover earns one day: 386050 / 365 = 1057.67 cents → 10.58.
      expect(book.policyLossRatio(POLICY, '2026-12-01').earnedPremium).to.equal('10.58');
      expect(book.policyLossRatio(POLICY, '2027-11-29').earnedPremium).to.equal('3849.92');
    });

    it('earns nothing before cover starts and all of it from the last day of cover on', () => {
      const book = bookWith(policyOf(), claimOf({ paid: money('800.00'), status: 'PAID' }));
      expect(book.policyLossRatio(POLICY, '2026-11-30')).to.deep.equal({
        policyNumber: POLICY,
        currency: 'CNY',
        earnedPremium: '0.00',
        claimsPaid: '800.00',
        lossRatio: null,
      });
      expect(book.policyLossRatio(POLICY, '2027-11-30').earnedPremium).to.equal('3860.50');
      expect(book.policyLossRatio(POLICY, '2031-01-01')).to.deep.equal({
        policyNumber: POLICY,
        currency: 'CNY',
        earnedPremium: '3860.50',
        claimsPaid: '800.00',
        lossRatio: 0.2072,
      });
    });

    it('rounds a half cent away from zero', () => {
      const book = bookWith(policyOf({ premium: money('0.03'), effectiveDate: '2027-01-01', expiryDate: '2027-01-02' }));
      expect(book.policyLossRatio(POLICY, '2027-01-01').earnedPremium).to.equal('0.02');
    });

    it('never earns less than before nor more than the premium, whatever the day (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 10_000_000_00 }),
          fc.integer({ min: dayNumberOf('2020-01-01'), max: dayNumberOf('2030-12-31') }),
          fc.integer({ min: 0, max: 800 }),
          fc.integer({ min: -30, max: 900 }),
          (premiumCents, start, length, offset) => {
            const amount = `${Math.floor(premiumCents / 100)}.${String(premiumCents % 100).padStart(2, '0')}`;
            const book = bookWith(
              policyOf({ premium: money(amount), effectiveDate: dayOfNumber(start), expiryDate: dayOfNumber(start + length) }),
            );
            const today = centsOf(book.policyLossRatio(POLICY, dayOfNumber(start + offset)).earnedPremium);
            const tomorrow = centsOf(book.policyLossRatio(POLICY, dayOfNumber(start + offset + 1)).earnedPremium);
            const expected = offset < 0 ? 0n : offset >= length ? BigInt(premiumCents) : undefined;
            return today <= tomorrow && today >= 0n && today <= BigInt(premiumCents) && (expected === undefined || today === expected);
          },
        ),
        { seed: 365, numRuns: 200 },
      );
    });

    it('earns nothing on a PENDING policy', () => {
      const book = bookWith(policyOf({ status: 'PENDING' }));
      expect(book.policyLossRatio(POLICY, '2027-06-01').earnedPremium).to.equal('0.00');
    });

    it('stops a cancelled policy on the China day of the event that cancelled it, and keeps that day', () => {
      const book = bookWith(policyOf({ meta: metaAt('2026-12-20T01:00:00.000Z') }));
      // 20:00 UTC on 28 February is 04:00 on 1 March in Shenzhen: cover stops on 1 March, 90 days earned.
      book.upsertPolicy(policyOf({ status: 'CANCELLED', meta: metaAt('2027-02-28T20:00:00.000Z') }));
      expect(book.policyLossRatio(POLICY, '2027-06-01').earnedPremium).to.equal('951.90');
      book.upsertPolicy(policyOf({ status: 'CANCELLED', agentCode: 'AG-CORRECTED', meta: metaAt('2027-04-01T00:00:00.000Z') }));
      expect(book.policyLossRatio(POLICY, '2027-06-01').earnedPremium).to.equal('951.90');
      // Before the cancellation, the days run as usual.
      expect(bookWith(policyOf()).policyLossRatio(POLICY, '2027-01-01').earnedPremium).to.equal(
        book.policyLossRatio(POLICY, '2027-01-01').earnedPremium,
      );
      // Reinstated: by the dates again.
      book.upsertPolicy(policyOf({ status: 'IN_FORCE', meta: metaAt('2027-05-01T00:00:00.000Z') }));
      expect(book.policyLossRatio(POLICY, '2027-11-30').earnedPremium).to.equal('3860.50');
    });

    it('prorates a lapsed policy without an event time up to asOf, as documented', () => {
      const book = bookWith(policyOf({ status: 'LAPSED', meta: null }));
      expect(book.policyLossRatio(POLICY, '2027-03-01').earnedPremium).to.equal('962.48');
    });

    it('refuses a cover period that ends before it starts, and dates that are not days', () => {
      expect(() => bookWith(policyOf({ expiryDate: '2026-11-30' })).policyLossRatio(POLICY, '2027-01-01')).to.throw(
        CustomerViewDataError,
        /expires before it starts/,
      );
      expect(() => bookWith(policyOf({ expiryDate: '2027-02-29' })).policyLossRatio(POLICY, '2027-01-01')).to.throw(
        CustomerViewDataError,
        /expiryDate of policy PDAA202644030000012345/,
      );
      expect(() => bookWith(policyOf()).policyLossRatio(POLICY, '1 March 2027')).to.throw(CustomerViewDataError, /asOf/);
    });
  });

  describe('claims', () => {
    it('holds the latest version of each claim, so a later version replaces the amount instead of adding to it', () => {
      const book = bookWith(policyOf());
      book.upsertClaim(claimOf({ status: 'REPORTED', paid: money('0.00'), meta: metaAt('2027-01-10T02:00:00.000Z') }));
      book.upsertClaim(claimOf({ status: 'PAID', paid: money('500.00'), meta: metaAt('2027-02-10T02:00:00.000Z') }));
      expect(book.claimsOf(POLICY)).to.have.length(1);
      // 500.00 / 962.48 = 0.51949… → 0.5195.
      expect(book.policyLossRatio(POLICY, '2027-03-01')).to.deep.equal({
        policyNumber: POLICY,
        currency: 'CNY',
        earnedPremium: '962.48',
        claimsPaid: '500.00',
        lossRatio: 0.5195,
      });
    });

    it('ignores a version older than the one held (a redelivered event)', () => {
      const book = bookWith(policyOf());
      expect(book.upsertClaim(claimOf({ status: 'PAID', paid: money('500.00'), meta: metaAt('2027-02-10T02:00:00.000Z') }))).to.equal(true);
      expect(book.upsertClaim(claimOf({ status: 'REPORTED', paid: money('0.00'), meta: metaAt('2027-01-10T02:00:00.000Z') }))).to.equal(
        false,
      );
      expect(book.policyLossRatio(POLICY, '2027-03-01').claimsPaid).to.equal('500.00');
      expect(book.upsertPolicy(policyOf({ status: 'PENDING', meta: metaAt('2019-06-01T00:00:00.000Z') }))).to.equal(false);
      expect(book.upsertPolicy(policyOf({ status: 'PENDING', meta: metaAt('2030-01-01T00:00:00.000Z') }))).to.equal(true);
      expect(book.upsertPolicy(policyOf({ status: 'IN_FORCE', meta: metaAt('2019-01-01T00:00:00.000Z') }))).to.equal(false);
      expect(book.policy(POLICY)?.status).to.equal('PENDING');
    });

    it('leaves rejected claims out of claims paid, but still lists them', () => {
      const book = bookWith(
        policyOf(),
        claimOf({ claimNumber: 'R1', status: 'PAID', paid: money('300.10') }),
        claimOf({ claimNumber: 'R2', status: 'REJECTED', paid: money('999.00') }),
        claimOf({ claimNumber: 'R3', status: 'ASSESSING', paid: money('0.20') }),
      );
      expect(book.claimsOf(POLICY).map((claim) => claim.claimNumber)).to.deep.equal(['R1', 'R2', 'R3']);
      expect(book.policyLossRatio(POLICY, '2028-01-01').claimsPaid).to.equal('300.30');
      book.upsertClaim(claimOf({ claimNumber: 'R1', status: 'REJECTED', paid: money('300.10') }));
      expect(book.policyLossRatio(POLICY, '2028-01-01').claimsPaid).to.equal('0.20');
    });

    it('moves a claim whose new version names another policy', () => {
      const book = bookWith(policyOf(), claimOf({ claimNumber: 'R1', paid: money('10.00') }));
      book.upsertClaim(claimOf({ claimNumber: 'R1', policyNumber: 'POTHER', paid: money('10.00') }));
      expect(book.claimsOf(POLICY)).to.deep.equal([]);
      expect(book.claimsOf('POTHER').map((claim) => claim.claimNumber)).to.deep.equal(['R1']);
    });

    it('refuses to add a claim paid in another currency than its policy', () => {
      const book = bookWith(policyOf(), claimOf({ paid: money('10.00', 'USD') }));
      expect(() => book.policyLossRatio(POLICY, '2027-03-01')).to.throw(
        CustomerViewDataError,
        /claim RDAA202631010000098765 is paid in USD, policy PDAA202644030000012345 in CNY/,
      );
    });
  });

  describe('customer loss ratio', () => {
    it('adds up earned premium and claims paid over the policies, with the breakdown in policy number order', () => {
      const book = bookWith(
        policyOf(),
        policyOf({
          policyNumber: 'PHEALTH01',
          productLine: 'HEALTH',
          premium: money('1200.00'),
          effectiveDate: '2027-01-01',
          expiryDate: '2027-12-31',
        }),
        claimOf({ claimNumber: 'R1', status: 'PAID', paid: money('500.00') }),
        claimOf({ claimNumber: 'R2', policyNumber: 'PHEALTH01', status: 'PAID', paid: money('200.01') }),
        claimOf({ claimNumber: 'R3', policyNumber: 'PUNKNOWN', status: 'PAID', paid: money('0.99') }),
      );
      const result = book.customerLossRatio(['PHEALTH01', POLICY, 'PUNKNOWN', POLICY, 'PNONE'], '2027-03-01');
      // HEALTH: 60 of 365 days of 1200.00 = 197.260… → 197.26.
      expect(result.policies).to.deep.equal([
        { policyNumber: POLICY, currency: 'CNY', earnedPremium: '962.48', claimsPaid: '500.00', lossRatio: 0.5195 },
        { policyNumber: 'PHEALTH01', currency: 'CNY', earnedPremium: '197.26', claimsPaid: '200.01', lossRatio: 1.0139 },
        { policyNumber: 'PNONE', currency: 'CNY', earnedPremium: '0.00', claimsPaid: '0.00', lossRatio: null },
        { policyNumber: 'PUNKNOWN', currency: 'CNY', earnedPremium: '0.00', claimsPaid: '0.99', lossRatio: null },
      ]);
      // 701.00 / 1159.74 = 0.60444… → 0.6044
      expect(result).to.include({ asOf: '2027-03-01', currency: 'CNY', earnedPremium: '1159.74', claimsPaid: '701.00', lossRatio: 0.6044 });
    });

    it('has no ratio for a customer with nothing earned, and refuses to add currencies', () => {
      expect(new LossRatioBook().customerLossRatio([], '2027-03-01')).to.deep.equal({
        asOf: '2027-03-01',
        currency: 'CNY',
        earnedPremium: '0.00',
        claimsPaid: '0.00',
        lossRatio: null,
        policies: [],
      });
      const book = bookWith(policyOf(), policyOf({ policyNumber: 'PTRAVEL', premium: money('80.00', 'USD') }));
      expect(() => book.customerLossRatio([POLICY, 'PTRAVEL'], '2027-03-01')).to.throw(
        CustomerViewDataError,
        /several currencies \(CNY, USD\)/,
      );
    });
  });
});
