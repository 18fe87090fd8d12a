import { HubError } from '../../core/hub-error.js';

/** Ids that name no dead letter (any more: retention may have removed it since it was listed). */
export class DeadLetterNotFoundError extends HubError {
  constructor(readonly ids: readonly string[]) {
    super(
      'DEAD_LETTER_NOT_FOUND',
      `no dead letter ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}: the id is wrong or retention removed it`,
      { retriable: false },
    );
  }
}
