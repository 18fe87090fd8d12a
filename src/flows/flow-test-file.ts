import type { FromSchema } from 'json-schema-to-ts';
import type { ConfigIssue } from '../platform/config/config-issue.js';
import { compileConfigSchema } from '../platform/config/config-schema-compiler.js';
import { readConfigYaml, type ConfigYaml } from '../platform/config/config-yaml-reader.js';
import { validateAgainstSchema } from '../platform/config/schema-issues.js';
import { registerSecret } from '../platform/observability/secret-registry.js';

const headers = { type: 'object', additionalProperties: { type: 'string' }, description: 'Kafka headers.' } as const;
const key = { type: ['string', 'null'], description: 'The Kafka key.' } as const;

/**
 * A flow test file (`*.test.yaml` next to its flow): messages in, the messages expected out per
 * destination and the dead letters expected, without a broker. Each default is declared here.
 */
export const flowTestFileSchema = {
  type: 'object',
  required: ['flow', 'cases'],
  properties: {
    flow: { type: 'string', minLength: 1, description: 'The flow file, relative to this file.' },
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
        required: ['name', 'input', 'expect'],
        properties: {
          name: { type: 'string', minLength: 1 },
          input: {
            type: 'array',
            description: 'Messages the flow reads, in order; state (dedupe) starts empty for each case.',
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
          },
          expect: {
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
                    code: { type: 'string', description: 'The error code, e.g. FLOW_VALIDATION_FAILED.' },
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
  return issues.length > 0 ? { yaml, issues } : { yaml, issues, test: yaml.value as FlowTestFile };
}
