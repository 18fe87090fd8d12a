import cron from 'node-cron';

/**
 * Why a schedule is not a valid node-cron expression (5 fields, or 6 with seconds first), or
 * undefined when it is valid. Checked when the config is loaded so a typo does not wait for the
 * first tick to surface.
 */
export function cronScheduleProblem(expression: string): string | undefined {
  if (cron.validate(expression)) return undefined;
  const reasons = cron.validateDetailed(expression).errors.map((error) => error.message);
  return `is not a valid cron expression${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''} (5 fields, or 6 with seconds first, e.g. "*/10 * * * * *")`;
}
