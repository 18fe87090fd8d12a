import { Writable } from 'node:stream';
import { createLogger, type Logger, type LoggerOptions } from '../../../../src/platform/observability/logger.js';

/** A logger writing into memory, and the lines it wrote so far, each parsed (a line that is not one JSON object fails the test). */
export function capturedLogger(options: Omit<LoggerOptions, 'stream'> = {}): {
  logger: Logger;
  text(): Promise<string>;
  lines(): Promise<Record<string, unknown>[]>;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'info', ...options, stream });
  // winston hands lines to its transports through streams: a turn of the event loop lets them arrive.
  const text = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return chunks.join('');
  };
  const lines = async () =>
    (await text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text, lines };
}
