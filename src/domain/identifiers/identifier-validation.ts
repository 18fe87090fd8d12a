/**
 * The answer of every identifier validator in src/domain/: the normalized value, or why the raw
 * value was refused. Identifiers are personal data, so a reason describes the problem and never
 * repeats the value: reasons end up in logs, dead letters and quarantine topics.
 */
export type IdentifierValidation = { ok: true; value: string } | { ok: false; reason: string };

export function accepted(value: string): IdentifierValidation {
  return { ok: true, value };
}

export function refused(reason: string): IdentifierValidation {
  return { ok: false, reason };
}
