import { randomFillSync } from 'node:crypto';

/** What a W3C `traceparent` header says: which trace a record belongs to and which span wrote it. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * Reads a traceparent as the W3C Trace Context spec does: version ff and all-zero ids are invalid,
 * and a later version may append fields after the four we know.
 */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const text = header?.trim();
  const match = text === undefined ? null : TRACEPARENT.exec(text);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  if (version === '00' && text!.length !== 55) return undefined;
  return { traceId, spanId, flags };
}

/** A traceparent that starts a new, sampled trace. */
export function newTraceparent(): string {
  return format({ traceId: randomHex(16), spanId: randomHex(8), flags: '01' });
}

/** The traceparent of work caused by `parent`: the same trace and flags, a span of its own; a new trace when `parent` is missing or invalid. */
export function childTraceparent(parent: string | undefined): string {
  const context = parseTraceparent(parent);
  return context ? format({ ...context, spanId: randomHex(8) }) : newTraceparent();
}

function format(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

// Every record a flow writes gets a span id: asking the CSPRNG for 8 bytes each time costs a call
// into OpenSSL per record, more than the rest of the headers together. The same generator fills a
// pool instead, and each id takes bytes of it that no other id takes.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomHex(bytes: number): string {
  // An all-zero id is invalid; at 2^-64 odds it is simply drawn again.
  for (;;) {
    if (poolOffset + bytes > POOL_BYTES) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!ALL_ZERO.test(hex)) return hex;
  }
}
