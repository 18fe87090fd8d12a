import { describeStage } from './hop-stage.js';
import type { Trace } from './trace-finder.js';

/**
 * A trace as a readable timeline for a terminal: what was looked for and how much was read, then
 * one line per hop (time, delay from the first and from the one before, stage, where, key and
 * event), its value below it when values were asked for, and a warning when the scan was bounded.
 */
export function formatTrace(trace: Trace): string {
  const lines: string[] = [];
  const looked = [trace.query.correlationId && `correlation id ${trace.query.correlationId}`, trace.query.key && `key ${trace.query.key}`]
    .filter(Boolean)
    .join(' or ');
  const customerKeys = trace.query.keys.filter((key) => key !== trace.query.key);
  lines.push(`trace of ${looked}${customerKeys.length > 0 ? ` (with the customer's keys ${customerKeys.join(', ')})` : ''}`);
  lines.push(
    `  since ${trace.query.since}: ${trace.scan.scanned} records read on ${trace.scan.partitions} partitions of ${trace.scan.topics} topics in ${trace.scan.tookMs} ms`,
  );
  if (trace.traceIds.length > 0) lines.push(`  trace id${trace.traceIds.length > 1 ? 's' : ''} ${trace.traceIds.join(', ')}`);
  if (trace.correlationIds.length > 1 || (trace.correlationIds.length === 1 && trace.correlationIds[0] !== trace.query.correlationId))
    lines.push(`  correlation id${trace.correlationIds.length > 1 ? 's' : ''} ${trace.correlationIds.join(', ')}`);
  lines.push('');
  if (trace.hops.length === 0) lines.push('  no record found');
  for (const hop of trace.hops) {
    const delay = hop.sincePreviousMs === null ? '' : ` (+${hop.sincePreviousMs} ms)`;
    const event = [hop.eventType, hop.sourceSystem && `from ${hop.sourceSystem}`].filter(Boolean).join(' ');
    lines.push(`  ${hop.timestamp}  +${hop.sinceFirstMs} ms${delay}  ${describeStage(hop.stage)}`);
    lines.push(
      `      ${hop.topic}[${hop.partition}]@${hop.offset}  key ${hop.key ?? '(none)'}${event ? `  ${event}` : ''}${hop.correlationId !== trace.query.correlationId && hop.correlationId ? `  correlation ${hop.correlationId}` : ''}`,
    );
    if (hop.valueError !== undefined) lines.push(`      value ${hop.valueError}`);
    else if (hop.value !== undefined) lines.push(`      ${hop.schemaName ?? 'value'} ${JSON.stringify(hop.value)}`);
  }
  if (trace.scan.limitHit)
    lines.push(
      '',
      `  limit hit: read the newest ${trace.scan.scanned} of ${trace.scan.inRange} records since ${trace.query.since}; narrow --since or raise --limit to see further back`,
    );
  if (trace.scan.unfinished > 0)
    lines.push('', `  ${trace.scan.unfinished} partitions were not read to their end in the time allowed: the trace may miss hops`);
  return `${lines.join('\n')}\n`;
}
