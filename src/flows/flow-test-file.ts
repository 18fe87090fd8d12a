import type { FromSchema } from 'json-schema-to-ts';
import { describeError } from '../core/hub-error.js';
import { parseDuration } from '../core/duration.js';
import type { ConfigIssue, ConfigPath } from '../platform/config/config-issue.js';
import { compileConfigSchema } from '../platform/config/config-schema-compiler.js';
import { readConfigYaml, type ConfigYaml } from '../platform/config/config-yaml-reader.js';
import { validateAgainstSchema } from '../platform/config/schema-issues.js';
import { registerSecret } from '../platform/observability/secret-registry.js';

const headers = { type: 'object', additionalProperties: { type: 'string' }, description: 'Kafka headers.' } as const;
const key = { type: ['string', 'null'], description: 'The Kafka key.' } as const;

const inputList = {
  type: 'array',
  description: 'Messages the flow reads, in order.',
  items: {
    type: 'object',
    required: ['value'],
    properties: {
      topic: { type: 'string', description: "Default: the flow's first `from` topic." },
      key: { ...key, description: "Default: the topic's business key of the value." },
      value: { type: 'object', description: "The value in its JSON form; it must be valid for the topic's record." },
      headers: { ...headers, default: {} },
    },
  },
} as const;

const expectation = {
  type: 'object',
  description:
    'Per destination (a topic, or `connector:<instance>`) the messages expected there, in order; `deadLetters` the failed inputs. A destination not named must get nothing.',
  properties: {
    deadLetters: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        properties: {
          code: { type: 'string', description: 'The error code, e.g. FLOW_VALIDATION_FAILED or LATE_RECORD.' },
          step: {
            type: 'string',
            description: 'The failing step, e.g. steps[1].validate, or `to <topic>` when the output does not fit its schema.',
          },
          message: { type: 'string', description: 'Part of the error message.' },
          key,
        },
      },
    },
  },
  additionalProperties: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        key,
        value: {
          type: 'object',
          description: 'Fields the output must have with these values (a subset; lists must match in length).',
        },
        headers: { ...headers, description: 'Headers the output must have with these values (a subset).' },
      },
    },
  },
} as const;

/** Where a case's virtual clock starts: an instant with a zone, as event times are written (checked by `shapeIssues`). */
const instant = {
  type: 'string',
  description:
    'Where the virtual clock starts (ISO-8601 with a zone, e.g. 2026-03-01T00:00:00Z); default the real time when the case starts.',
} as const;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A flow test file (`*.test.yaml` next to its flow): messages in, the messages expected out per
 * destination and the dead letters expected, without a broker and on a virtual clock. A case is
 * `input` + `expect`, or a `sequence` interleaving inputs, clock moves, restarts and expectations.
 * Each default is declared here.
 */
export const flowTestFileSchema = {
  type: 'object',
  required: ['flow', 'cases'],
  properties: {
    flow: { type: 'string', minLength: 1, description: 'The flow file, relative to this file.' },
    clock: instant,
    records: {
      type: 'object',
      description:
        'Records written once and used by the cases through YAML anchors (`&customer`, `*customer`, `<<: *customer`); not read otherwise.',
    },
    tables: {
      type: 'object',
      default: {},
      description: 'Rows of the lookup tables `enrich` reads, per topic: the latest value of each key.',
      additionalProperties: {
        type: 'array',
        items: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'object' } } },
      },
    },
    cases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          clock: { ...instant, description: "Where this case's virtual clock starts; default the file's `clock`." },
          input: { ...inputList, description: 'Messages the flow reads, in order; state starts empty for each case.' },
          expect: expectation,
          sequence: {
            type: 'array',
            minItems: 1,
            description:
              'Steps of the case in order, each one of: `input` (messages), `advance` (move the virtual clock, e.g. 3d), `restart: true` (the flow restarted over its state), `expect` (what came out since the previous expect).',
            items: {
              type: 'object',
              properties: {
                input: inputList,
                advance: { type: 'string', description: 'How far the virtual clock moves on, e.g. 90s, 30m, 2h, 3d.' },
                restart: { const: true, description: 'The flow is compiled again and reads its state back, as after a crash.' },
                expect: {
                  ...expectation,
                  description: `What came out since the previous expect (or the start). ${expectation.description}`,
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export type FlowTestFile = FromSchema<typeof flowTestFileSchema>;
export type FlowTestCase = FlowTestFile['cases'][number];

export interface FlowTestFileReading {
  yaml: ConfigYaml;
  /** Only when there are no issues. */
  test?: FlowTestFile;
  issues: ConfigIssue[];
}

/** Reads and checks a flow test file, keeping where everything is written for later messages. */
export function readFlowTestFile(file: string, text: string, env: NodeJS.ProcessEnv): FlowTestFileReading {
  const yaml = readConfigYaml(file, text, env);
  for (const secret of yaml.envSecrets) registerSecret(secret);
  const issues = [...yaml.issues];
  if (yaml.value === undefined) return { yaml, issues };
  if (yaml.value === null || typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    issues.push(
      yaml.issueAt([], yaml.value === null ? 'CONFIG_EMPTY' : 'TYPE_MISMATCH', 'expected a flow test: a map with flow and cases'),
    );
    return { yaml, issues };
  }
  issues.push(...validateAgainstSchema(compileConfigSchema(flowTestFileSchema), yaml.value, [], yaml));
  if (issues.length > 0) return { yaml, issues };
  const test = yaml.value as FlowTestFile;
  issues.push(...shapeIssues(test, yaml));
  return issues.length > 0 ? { yaml, issues } : { yaml, issues, test };
}

/** One item of a case's `sequence`, as the file schema and `shapeIssues` leave it: exactly one of these. */
export type FlowTestSequenceItem = FlowTestCase['sequence'] extends (infer Item)[] | undefined ? Item : never;
export type FlowTestInput = NonNullable<FlowTestCase['input']>[number];
export type FlowTestExpectation = NonNullable<FlowTestCase['expect']>;

const SEQUENCE_KINDS = ['input', 'advance', 'restart', 'expect'] as const;

/** What the schema cannot say plainly: a case's form, one kind per sequence item, durations and instants that parse. */
function shapeIssues(test: FlowTestFile, yaml: ConfigYaml): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const checkClock = (clock: string | undefined, at: ConfigPath) => {
    if (clock !== undefined && (!INSTANT.test(clock) || Number.isNaN(Date.parse(clock))))
      issues.push(yaml.issueAt(at, 'VALUE_INVALID', `${JSON.stringify(clock)} is not an instant with a zone, e.g. 2026-03-01T00:00:00Z`));
  };
  checkClock(test.clock, ['clock']);
  test.cases.forEach((testCase, index) => {
    const at: ConfigPath = ['cases', index];
    checkClock(testCase.clock, [...at, 'clock']);
    if (testCase.sequence === undefined) {
      for (const missing of (['input', 'expect'] as const).filter((field) => testCase[field] === undefined))
        issues.push(yaml.issueAt(at, 'REQUIRED_MISSING', `${missing} is missing: a case has input and expect, or a sequence`));
      return;
    }
    for (const extra of (['input', 'expect'] as const).filter((field) => testCase[field] !== undefined))
      issues.push(
        yaml.issueAt(
          [...at, extra],
          'VALUE_INVALID',
          `a case with a sequence has its ${extra} in the sequence ({ ${extra}: ... }): a case has input and expect, or a sequence`,
          'key',
        ),
      );
    testCase.sequence.forEach((item, position) => {
      const itemAt: ConfigPath = [...at, 'sequence', position];
      const kinds = SEQUENCE_KINDS.filter((kind) => item[kind] !== undefined);
      if (kinds.length !== 1) {
        const found = kinds.length === 0 ? 'it has none' : `it has ${kinds.join(' and ')}`;
        issues.push(yaml.issueAt(itemAt, 'VALUE_INVALID', `a sequence item is one of ${SEQUENCE_KINDS.join(', ')}; ${found}`));
        return;
      }
      if (item.advance !== undefined) {
        try {
          parseDuration(item.advance, 'advance');
        } catch (error) {
          issues.push(yaml.issueAt([...itemAt, 'advance'], 'VALUE_INVALID', describeError(error).message));
        }
      }
    });
  });
  return issues;
}
