import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { formatConfigIssue, type ConfigIssue } from '../../../../src/platform/config/config-issue.js';
import { compileFlowFile, type FlowCompileDeps } from '../../../../src/flows/flow-compiler.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';

const FILE = 'flows/crm-to-erp.yaml';

let deps: FlowCompileDeps;

before(async () => {
  deps = {
    schemas: await SchemaCatalog.load(),
    steps: createStepRegistry(),

    table: () => ({ get: () => undefined }),
  };
});

function issuesOf(lines: string[]): string[] {
  const { flow, issues } = compileFlowFile({ file: FILE, text: `${lines.join('\n')}\n`, env: {} }, deps);
  if (issues.length > 0) expect(flow).to.equal(undefined);
  return issues.map(formatConfigIssue);
}

function codesOf(lines: string[]): ConfigIssue['code'][] {
  return compileFlowFile({ file: FILE, text: `${lines.join('\n')}\n`, env: {} }, deps).issues.map((issue) => issue.code);
}

const HEADER = ['name: crm-to-erp', 'from: crm.customer.v1', 'steps:'];
const TO_ERP = 'to: { topic: erp.customer.v1 }';
const ERP_MAP = [
  '  - map:',
  '      schema: crmhub.erp.ErpCustomer',
  '      fields:',
  '        meta: meta',
  '        erpCustomerId: customerId',
  '        customerType: customerType',
  '        name: fullName',
  '        taxIdType: idType',
  '        taxId: idNumber',
  '        sourceUpdatedAt: updatedAt',
];

const cases: { name: string; lines: string[]; issues: string[]; codes?: ConfigIssue['code'][] }[] = [
  {
    name: 'unknown step type, suggesting the nearest type',
    lines: [...HEADER, '  - fitler: status = "ACTIVE"', TO_ERP],
    issues: [
      `${FILE}:4:5 steps[0].fitler: unknown step type "fitler"; did you mean "filter"? (known: aggregate, dedupe, enrich, filter, join, log, map, route, set-key, split, timeout, validate)`,
    ],
    codes: ['STEP_UNKNOWN'],
  },
  {
    name: 'unknown function, at its position inside the expression',
    lines: [
      ...HEADER,
      '  - filter: status = "ACTIVE"',
      ...ERP_MAP.slice(0, 5),
      '        segment: $segmnt(10000)',
      ...ERP_MAP.slice(5),
      TO_ERP,
    ],
    issues: [`${FILE}:10:18 steps[1].map.fields.segment: unknown function $segmnt; did you mean $segment?`],
    codes: ['EXPRESSION_INVALID'],
  },
  {
    name: 'syntax error inside a quoted expression',
    lines: [...HEADER, `  - filter: 'status = = "ACTIVE"'`, TO_ERP],
    issues: [`${FILE}:4:23 steps[0].filter: The symbol "=" cannot be used as a unary operator`],
  },
  {
    name: 'problem on the second line of a block expression',
    lines: [...HEADER, '  - filter: |', '      status = "ACTIVE"', '      and $segmnt(10000) = "GOLD"', TO_ERP],
    issues: [`${FILE}:6:11 steps[0].filter: unknown function $segmnt; did you mean $segment?`],
  },
  {
    name: 'field unknown to the record of the from topic',
    lines: [...HEADER, '  - filter: stauts = "ACTIVE"', TO_ERP],
    issues: [`${FILE}:4:13 steps[0].filter: field stauts is not in crmhub.customer.Customer; did you mean status?`],
    codes: ['FIELD_UNKNOWN'],
  },
  {
    name: 'field unknown to the record a map produced (the output type feeds the next step)',
    lines: [...HEADER, ...ERP_MAP, '  - filter: fullName != ""', TO_ERP],
    issues: [`${FILE}:14:13 steps[1].filter: field fullName is not in crmhub.erp.ErpCustomer`],
  },
  {
    name: 'destination schema unknown',
    lines: [...HEADER, '  - filter: status = "ACTIVE"', 'to: { topic: erp.customer.v1, schema: ErpCustomr }'],
    issues: [`${FILE}:5:39 to.schema: unknown schema ErpCustomr; did you mean crmhub.erp.ErpCustomer?`],
    codes: ['SCHEMA_UNKNOWN'],
  },
  {
    name: 'destination topic without a record schema',
    lines: [...HEADER, ...ERP_MAP, 'to: [{ topic: erp.custmer.v1 }]'],
    issues: [
      `${FILE}:14:15 to[0].topic: topic erp.custmer.v1 is not declared; did you mean erp.customer.v1? (declare it in schemas/topics.json, or under the flow's "topics:" with its schema)`,
    ],
    codes: ['TOPIC_UNKNOWN'],
  },
  {
    name: 'destination whose record the messages do not fit',
    lines: [...HEADER, '  - filter: status = "ACTIVE"', TO_ERP],
    issues: [
      `${FILE}:5:14 to.topic: erp.customer.v1 takes crmhub.erp.ErpCustomer, which requires fields erpCustomerId, name, taxIdType, taxId, sourceUpdatedAt; the messages here are crmhub.customer.Customer without them (map them to crmhub.erp.ErpCustomer first)`,
    ],
  },
  {
    name: 'missing from',
    lines: ['name: crm-to-erp', 'steps:', ...ERP_MAP, TO_ERP],
    issues: [`${FILE}:1:1 from: is required`],
    codes: ['REQUIRED_MISSING'],
  },
  {
    name: 'missing to without a route step',
    lines: [...HEADER, ...ERP_MAP],
    issues: [`${FILE}:1:1 to: is required: no route step chooses where messages go`],
  },
  {
    name: 'bad retry values',
    lines: [
      ...HEADER,
      ...ERP_MAP,
      TO_ERP,
      'errors:',
      '  retry: { attempts: 0, initialDelayMs: 500, maxDelayMs: 100, multiplier: 0.5, backoff: exponential }',
    ],
    issues: [
      `${FILE}:16:22 errors.retry.attempts: must be >= 1`,
      `${FILE}:16:58 errors.retry.maxDelayMs: must be at least errors.retry.initialDelayMs (500)`,
      `${FILE}:16:75 errors.retry.multiplier: must be >= 1`,
      `${FILE}:16:80 errors.retry.backoff: unknown key "backoff"; known keys: attempts, initialDelayMs, maxDelayMs, multiplier`,
    ],
  },
  {
    name: 'a step with two types, and a misspelt destination key',
    lines: [...HEADER, '  - { filter: status = "ACTIVE", map: { x: customerId } }', 'to: { topik: erp.customer.v1 }'],
    issues: [
      `${FILE}:4:5 steps[0]: a step is a map of exactly one key, its type (e.g. "- filter: <expression>"); it has 2: filter, map`,
      `${FILE}:5:7 to.topik: unknown key "topik"; did you mean "topic"?`,
    ],
  },
  {
    name: "a step config its type's spec refuses",
    lines: [...HEADER, '  - dedupe: { key: meta.eventId, windowSeconds: 0 }', ...ERP_MAP, TO_ERP],
    issues: [`${FILE}:4:49 steps[0].dedupe.windowSeconds: must be >= 1`],
  },
  {
    name: 'several issues at once, in file order',
    lines: [
      'name: CRM_to_ERP',
      'steps:',
      '  - fitler: status = "ACTIVE"',
      '  - filter: status = = "ACTIVE"',
      '  - filter: $segmnt(10000) = "GOLD"',
      'to: { topic: erp.customer.v1, schema: ErpCustomr }',
      'concurrency: 0',
      'retries: 3',
    ],
    issues: [
      `${FILE}:1:1 from: is required`,
      `${FILE}:1:7 name: must match pattern "^[a-z][a-z0-9-]*$"`,
      `${FILE}:3:5 steps[0].fitler: unknown step type "fitler"; did you mean "filter"? (known: aggregate, dedupe, enrich, filter, join, log, map, route, set-key, split, timeout, validate)`,
      `${FILE}:4:22 steps[1].filter: The symbol "=" cannot be used as a unary operator`,
      `${FILE}:5:13 steps[2].filter: unknown function $segmnt; did you mean $segment?`,
      `${FILE}:6:39 to.schema: unknown schema ErpCustomr; did you mean crmhub.erp.ErpCustomer?`,
      `${FILE}:7:14 concurrency: must be >= 1`,
      `${FILE}:8:1 retries: unknown key "retries"; known keys: name, description, from, topics, steps, to, errors, concurrency, limits, time`,
    ],
  },
];

describe('flow files with problems', () => {
  for (const { name, lines, issues, codes } of cases) {
    it(name, () => {
      expect(issuesOf(lines)).to.deep.equal(issues);
      if (codes) expect(codesOf(lines)).to.deep.equal(codes);
    });
  }

  it('reports YAML syntax and an empty file without going further', () => {
    expect(issuesOf(['name: [', 'from: x'])).to.have.length.greaterThan(0);
    expect(codesOf(['name: [', 'from: x'])).to.include('YAML_SYNTAX');
    expect(issuesOf([''])).to.deep.equal([`${FILE}:1:1 the file is empty; expected a flow with name, from and steps`]);
  });
});
