import { StepMessageError } from './step-message-error.js';

/** One reason a message failed validation: the field (with array positions) and the rule or schema keyword. */
export interface ValidationFailure {
  field: string;
  rule: string;
}

/**
 * A message that breaks the rules of a `validate` step. Every failure is named by field and rule —
 * `idNumber: residentId` — and never by value: these are ID numbers, phone numbers and names.
 */
export class FlowValidationError extends StepMessageError {
  readonly failures: readonly ValidationFailure[];

  constructor(failures: ValidationFailure[]) {
    super(
      'FLOW_VALIDATION_FAILED',
      `validation failed: ${failures.map((failure) => `${failure.field || '(value)'}: ${failure.rule}`).join('; ')}`,
    );
    this.failures = failures;
  }
}
