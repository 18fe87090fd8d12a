import type { Writable } from 'node:stream';
import winston from 'winston';
import { logMaskingFormat } from './log-masking-format.js';
import { LogScrubber } from './log-scrubber.js';
import type { SecretRegistry } from './secret-registry.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  component?: string;
  /** Where the JSON lines go instead of stderr (tests read them from here). */
  stream?: Writable;
  /** Field names whose values are masked; default: the process-wide list (see pii-field-names.ts). */
  piiFieldNames?: ReadonlySet<string>;
  /** Secrets redacted wherever they appear; default: the process-wide registry. */
  secrets?: SecretRegistry;
}

/**
 * JSON lines on stderr so that stdout stays free for command output (`crm-hub schemas check` etc.).
 * LOG_LEVEL picks the level; tests default to `warn` so their output stays readable. Every line is
 * scrubbed before it is written: personal data masked, secrets redacted (see log-scrubber.ts).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const scrubber = new LogScrubber({ piiFieldNames: options.piiFieldNames, secrets: options.secrets });
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) });
  const logger: Logger = winston.createLogger({
    level,
    defaultMeta: options.component ? { component: options.component } : undefined,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      logMaskingFormat(scrubber, (lineLevel) => logger.isLevelEnabled(lineLevel)),
      winston.format.json(),
    ),
    transports: [transport],
  });
  return logger;
}
