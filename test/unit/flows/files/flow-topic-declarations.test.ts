import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { formatConfigIssue } from '../../../../src/platform/config/config-issue.js';
import { compileFlowFile, type FlowCompileDeps } from '../../../../src/flows/flow-compiler.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';

const FILE = 'flows/audit.yaml';
const DECLARE = `(declare it in schemas/topics.json, or under the flow's "topics:" with its schema)`;

let deps: FlowCompileDeps;

before(async () => {
  deps = {
    schemas: await SchemaCatalog.load(),
    steps: createStepRegistry(),

    table: () => ({ get: () => undefined }),
  };
});

function compile(lines: string[]) {
  return compileFlowFile({ file: FILE, text: `${lines.join('\n')}\n`, env: {} }, deps);
}

function issuesOf(lines: string[]): string[] {
  return compile(lines).issues.map(formatConfigIssue);
}

describe('topics a flow uses must be declared', () => {
  it('refuses a misspelt from topic, which the broker would otherwise have created empty, with the topic meant', () => {
    expect(issuesOf(['name: audit', 'from: crm.customr.v1', 'steps: []', 'to: { topic: crm.customer.v1 }'])).to.deep.equal([
      `${FILE}:2:7 from: topic crm.customr.v1 is not declared; did you mean crm.customer.v1? ${DECLARE}`,
    ]);
    expect(
      issuesOf(['name: audit', 'from: [claims.claim.v1, polcy.policy.v1]', 'steps: []', 'to: { topic: crm.customer-flag.v1 }'])[0],
    ).to.equal(`${FILE}:2:25 from[1]: topic polcy.policy.v1 is not declared; did you mean policy.policy.v1? ${DECLARE}`);
  });

  it('refuses an undeclared to topic, even when the destination names the record to write with', () => {
    expect(
      issuesOf(['name: audit', 'from: crm.customer.v1', 'steps: []', 'to: { topic: crm.customer.v2, schema: crmhub.customer.Customer }']),
    ).to.deep.equal([`${FILE}:4:14 to.topic: topic crm.customer.v2 is not declared; did you mean crm.customer.v1? ${DECLARE}`]);
  });

  it('refuses an undeclared topic of a route step', () => {
    const lines = [
      'name: audit',
      'from: crm.customer.v1',
      'steps:',
      '  - route:',
      '      - when: valueSegment = "PLATINUM"',
      '        to: { topic: crm.custmer.v1 }',
      'to: { topic: crm.customer.v1 }',
    ];
    expect(issuesOf(lines)).to.deep.equal([
      `${FILE}:6:22 steps[0].route[0].to.topic: topic crm.custmer.v1 is not declared; did you mean crm.customer.v1? ${DECLARE}`,
    ]);
  });

  it("takes the flow's own topics with their record and format, checks fields against that record and tells the runner to create them", () => {
    const { flow, issues } = compile([
      'name: audit',
      'from: legacy.customer.json',
      'topics:',
      '  legacy.customer.json: { schema: crmhub.customer.Customer, format: json }',
      '  audit.customer.v1: { schema: Customer }',
      'steps:',
      '  - filter: status = "ACTIVE"',
      'to: { topic: audit.customer.v1 }',
    ]);
    expect(issues).to.deep.equal([]);
    expect(flow!.topics).to.deep.equal([
      { topic: 'legacy.customer.json', record: 'crmhub.customer.Customer', format: 'json' },
      { topic: 'audit.customer.v1', record: 'crmhub.customer.Customer', format: 'avro' },
    ]);
    expect(flow!.outputTopics).to.deep.equal(['audit.customer.v1']);
    // The record of the declared input is known, so a field it lacks is an error when compiling.
    expect(
      issuesOf([
        'name: audit',
        'from: legacy.customer.json',
        'topics: { legacy.customer.json: { schema: crmhub.customer.Customer } }',
        'steps:',
        '  - filter: staus = "ACTIVE"',
        'to: { topic: crm.customer.v1 }',
      ])[0],
    ).to.match(/^flows\/audit\.yaml:5:13 steps\[0\]\.filter: field staus is not in crmhub\.customer\.Customer/);
  });

  it('refuses a declaration without a known record, and one that contradicts topics.json', () => {
    expect(
      issuesOf([
        'name: audit',
        'from: crm.customer.v1',
        'topics:',
        '  audit.customer.v1: { schema: Custmer }',
        '  crm.customer.v1: { schema: crmhub.claim.Claim }',
        'steps: []',
        'to: { topic: audit.customer.v1 }',
      ]),
    ).to.deep.equal([
      `${FILE}:4:32 topics["audit.customer.v1"].schema: unknown schema Custmer; did you mean crmhub.customer.Customer?`,
      `${FILE}:5:3 topics["crm.customer.v1"]: schemas/topics.json declares crm.customer.v1 as avro crmhub.customer.Customer, not avro crmhub.claim.Claim`,
      `${FILE}:7:14 to.topic: topic audit.customer.v1 is not declared; did you mean dw.customer.v1? ${DECLARE}`,
    ]);
  });

  it('lists every topic the flow writes, sink connectors by their input topic, for the runner to create', () => {
    const lines = [
      'name: audit',
      'from: crm.customer.v1',
      'steps:',
      '  - route:',
      '      cases:',
      '        - when: valueSegment = "PLATINUM"',
      '          to: [{ topic: crm.customer-flag.v1, schema: crmhub.customer.CustomerFlag }, { connector: erp-priority }]',
      '      otherwise: { topic: crm.customer.v1 }',
      '      wiretap: { topic: dw.customer.v1, schema: crmhub.dw.DwCustomer }',
      'to: { topic: crm.customer.v1 }',
    ];
    const { flow, issues } = compile(lines);
    expect(issues).to.deep.equal([]);
    expect([...flow!.outputTopics!].sort()).to.deep.equal([
      'connector.erp-priority.in',
      'crm.customer-flag.v1',
      'crm.customer.v1',
      'dw.customer.v1',
    ]);
  });
});
