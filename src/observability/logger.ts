import winston from 'winston';

export type Logger = winston.Logger;

/**
 * JSON lines on stderr so that stdout stays free for command output (`crm-hub schemas check` etc.).
 * LOG_LEVEL picks the level; tests default to `warn` so their output stays readable.
 */
export function createLogger(options: { level?: string; component?: string } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return winston.createLogger({
    level,
    defaultMeta: options.component ? { component: options.component } : undefined,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: Object.keys(winston.config.npm.levels) })],
  });
}
