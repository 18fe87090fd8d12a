import winston from 'winston';
import type { LogScrubber } from './log-scrubber.js';

type Info = winston.Logform.TransformableInfo;

/** Set by winston and by the timestamp format: never personal, never secret, and read by transports. */
const KEPT_AS_IS = new Set(['level', 'timestamp']);

/**
 * The winston format that scrubs every line: the message and every other field, nested. A line at
 * a level nothing would write is dropped here, before the work of scrubbing it; winston runs the
 * formats of every line and leaves filtering by level to the transports.
 */
export function logMaskingFormat(scrubber: LogScrubber, isLevelEnabled: (level: string) => boolean): winston.Logform.Format {
  return winston.format((info: Info) => {
    if (!isLevelEnabled(info.level)) return false;
    // A copy: winston hands over the caller's own object when one is logged alone.
    const scrubbed: Info = { level: info.level, message: undefined };
    for (const symbol of Object.getOwnPropertySymbols(info)) scrubbed[symbol] = info[symbol];
    try {
      for (const key of Object.keys(info)) {
        const value = info[key];
        scrubbed[key] = KEPT_AS_IS.has(key) ? value : key === 'message' ? scrubber.value(value) : scrubber.field(key, value);
      }
      return scrubbed;
    } catch (error) {
      // A getter or toJSON that throws must not turn logging into a failure of whatever was logging; the line goes without its fields.
      const reason = error instanceof Error ? error.message : 'unknown error';
      return {
        ...scrubbed,
        message: typeof info.message === 'string' ? scrubber.text(info.message) : '[message left out]',
        logError: scrubber.text(`fields left out: ${reason}`),
        timestamp: info.timestamp,
      };
    }
  })();
}
