import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { formatConfigPath } from '../../platform/config/config-issue.js';
import { createLogger, type Logger } from '../../platform/observability/logger.js';
import { maskFieldsNamed, maskRecord } from '../../platform/observability/pii-masking.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { expressionText } from '../../expressions/expression-results.js';
import type { FlowMessage } from '../flow-message.js';
import type { StepDefinition } from '../flow-step.js';
import { defineStep } from './define-step.js';
import { compileMessageTemplate } from './message-template.js';
import { whenReady } from '../../core/maybe-promise.js';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** The level when none is given (declared here because a default inside anyOf is not applied by ajv). */
const DEFAULT_LEVEL = 'info';

const messageTemplate = {
  type: 'string',
  minLength: 1,
  description: 'The line to log, with {expression} placeholders, e.g. "customer {customerId} is now {status}".',
} as const;

const spec = {
  anyOf: [
    messageTemplate,
    {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      properties: { message: messageTemplate, level: { enum: LEVELS, description: `Log level (default ${DEFAULT_LEVEL}).` } },
    },
  ],
} as const satisfies JSONSchema;

type LogConfig = FromSchema<typeof spec>;

/**
 * The log step, logging through `makeLogger` (winston by default; tests pass their own). A line
 * never shows personal data: the placeholders are evaluated against a copy of the value whose
 * fields marked `"pii": true` in its record are masked as every log, trace and dead letter masks
 * them (observability/pii-masking.ts: `{fullName}` logs `张*`, `{idNumber}` `440305********0132`),
 * and whose other strings have their ID numbers, mobiles and e-mail addresses masked. When the
 * record is not known, every field whose name is personal in any record of the catalog is masked.
 */
export function createLogStep(makeLogger: (options: { component: string }) => Logger = createLogger): StepDefinition<LogConfig> {
  return defineStep<LogConfig>({
    type: 'log',
    description: 'Logs a line per message (template with {expression} placeholders; personal fields masked) and passes the message on.',
    spec,
    compile(config, context) {
      const shorthand = typeof config === 'string';
      const level = shorthand ? DEFAULT_LEVEL : (config.level ?? DEFAULT_LEVEL);
      const template = compileMessageTemplate(context, shorthand ? [] : ['message'], shorthand ? config : config.message);
      const logger = makeLogger({ component: 'flow' });
      const step = formatConfigPath(context.path);
      const masking = new PiiMasking(context.schemas, context.inputType?.name);
      return {
        outputType: context.inputType,
        run: (message) => {
          if (!logger.isLevelEnabled(level)) return [message];
          const rendered = template.render(masking.mask(message), (value) =>
            value === undefined ? '' : (expressionText(value) as string),
          );
          return whenReady(rendered, (text) => {
            logger.log(level, text ?? '', { flow: context.flowName, step, topic: message.topic, key: message.key });
            return [message];
          });
        },
      };
    },
  });
}

export const logStep = createLogStep();

/** Masks the personal fields of a message value by its record, the masking paths computed once per record. */
class PiiMasking {
  private readonly pathsByRecord = new Map<string, string[] | undefined>();
  private personalNames: Set<string> | undefined;

  constructor(
    private readonly schemas: SchemaCatalog,
    private readonly inputRecord: string | undefined,
  ) {}

  mask(message: FlowMessage): unknown {
    const record = message.schemaName ?? this.inputRecord;
    const paths = record === undefined ? undefined : this.pathsOf(record);
    return paths ? maskRecord(message.value, paths) : maskFieldsNamed(message.value, this.namesOfPersonalFields());
  }

  private pathsOf(record: string): string[] | undefined {
    if (!this.pathsByRecord.has(record))
      this.pathsByRecord.set(record, this.schemas.has(record) ? this.schemas.piiPaths(record) : undefined);
    return this.pathsByRecord.get(record);
  }

  private namesOfPersonalFields(): Set<string> {
    this.personalNames ??= new Set(
      this.schemas
        .names()
        .flatMap((name) => this.schemas.piiPaths(name))
        .map((path) => path.slice(path.lastIndexOf('.') + 1).replace(/(\[\]|\{\})+$/, '')),
    );
    return this.personalNames;
  }
}
