import type { RecordHeaders } from '../platform/kafka/kafka-client.js';

/** One message a flow produced under test, as a consumer of its destination would read it back. */
export interface ActualOutput {
  key: string | null;
  /** The value decoded from its Avro encoding, in JSON form. */
  value: unknown;
  headers: RecordHeaders;
}

/** An input whose processing failed, as the runner would dead-letter it. */
export interface ActualDeadLetter {
  key: string | null;
  code: string;
  /** `steps[1].validate`, `to <topic>` for an output its schema refuses, or `flow`. */
  step: string;
  message: string;
}

export interface ExpectedOutput {
  key?: string | null;
  value?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface ExpectedDeadLetter {
  key?: string | null;
  code?: string;
  step?: string;
  message?: string;
}

export interface CaseOutcome {
  /** By destination label: the topic, or `connector:<instance>`. */
  outputs: ReadonlyMap<string, readonly ActualOutput[]>;
  deadLetters: readonly ActualDeadLetter[];
}

/**
 * How a case's outcome differs from what it expects, one line per difference, each led by the
 * path of what differs (`erp.customer.v1[0].value.name: expected "张伟", got "王秀英"`); empty when
 * it matches. Values and headers match as subsets (fields not written are not compared; lists
 * match element by element and in length); keys, counts and dead letters match exactly, and a
 * destination the case does not name must get nothing.
 */
export function caseDifferences(
  expected: { outputs: ReadonlyMap<string, readonly ExpectedOutput[]>; deadLetters: readonly ExpectedDeadLetter[] },
  actual: CaseOutcome,
): string[] {
  const lines: string[] = [];
  // The case's own destinations in its order, then any it did not expect.
  const labels = [...expected.outputs.keys(), ...[...actual.outputs.keys()].filter((label) => !expected.outputs.has(label)).sort()];
  for (const label of labels) {
    const wanted = expected.outputs.get(label);
    const got = actual.outputs.get(label) ?? [];
    if (wanted === undefined) {
      lines.push(
        `${label}: expected nothing (the case does not name it), got ${count(got.length)}`,
        ...got.map((output, index) => `  got [${index}] ${describeOutput(output)}`),
      );
      continue;
    }
    if (wanted.length !== got.length) {
      lines.push(`${label}: expected ${count(wanted.length)}, got ${got.length}`);
      lines.push(
        ...wanted.map((output, index) => `  expected [${index}] ${describeOutput(output)}`),
        ...got.map((output, index) => `  got [${index}] ${describeOutput(output)}`),
      );
      continue;
    }
    wanted.forEach((output, index) => {
      const at = `${label}[${index}]`;
      if (output.key !== undefined && output.key !== got[index]!.key)
        lines.push(`${at}.key: expected ${show(output.key)}, got ${show(got[index]!.key)}`);
      if (output.value !== undefined) lines.push(...subsetDifferences(output.value, got[index]!.value, `${at}.value`));
      if (output.headers !== undefined) lines.push(...subsetDifferences(output.headers, got[index]!.headers, `${at}.headers`));
    });
  }
  if (expected.deadLetters.length !== actual.deadLetters.length) {
    lines.push(`deadLetters: expected ${count(expected.deadLetters.length, 'dead letter')}, got ${actual.deadLetters.length}`);
    lines.push(
      ...expected.deadLetters.map((dead, index) => `  expected [${index}] ${describeDeadLetter(dead)}`),
      ...actual.deadLetters.map((dead, index) => `  got [${index}] ${describeDeadLetter(dead)}`),
    );
  } else {
    expected.deadLetters.forEach((dead, index) => {
      const got = actual.deadLetters[index]!;
      const at = `deadLetters[${index}]`;
      for (const field of ['key', 'code', 'step'] as const) {
        if (dead[field] !== undefined && dead[field] !== got[field])
          lines.push(`${at}.${field}: expected ${show(dead[field])}, got ${show(got[field])} (${got.message})`);
      }
      if (dead.message !== undefined && !got.message.includes(dead.message))
        lines.push(`${at}.message: expected to contain ${show(dead.message)}, got ${show(got.message)}`);
    });
  }
  return lines;
}

/** Differences of `actual` from the fields `expected` writes, by path. */
export function subsetDifferences(expected: unknown, actual: unknown, path: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list of ${expected.length}, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected a list of ${expected.length}, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((item, index) => subsetDifferences(item, actual[index], `${path}[${index}]`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${path}: expected a map, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => {
      const child = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      return key in actual ? subsetDifferences(value, actual[key], child) : [`${child}: expected ${show(value)}, got no such field`];
    });
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

const MAX_SHOWN = 300;

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function count(n: number, noun = 'message'): string {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

function describeOutput(output: ExpectedOutput | ActualOutput): string {
  const parts = [];
  if (output.key !== undefined) parts.push(`key ${show(output.key)}`);
  if (output.value !== undefined) parts.push(`value ${show(output.value)}`);
  if (output.headers !== undefined && Object.keys(output.headers).length > 0) parts.push(`headers ${show(output.headers)}`);
  return parts.join(' ') || '(any message)';
}

function describeDeadLetter(dead: ExpectedDeadLetter | ActualDeadLetter): string {
  return (['key', 'code', 'step', 'message'] as const)
    .filter((field) => dead[field] !== undefined)
    .map((field) => `${field} ${show(dead[field])}`)
    .join(' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
