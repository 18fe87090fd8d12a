import { HubError } from '../../core/hub-error.js';

/** An unmerge of a source record that no golden customer has: there is nothing to split off. */
export class UnknownSourceRecordError extends HubError {
  constructor(system: string, systemId: string) {
    super(
      'CUSTOMER_RECORD_UNKNOWN',
      `no golden customer has the ${system} record ${systemId}: check system and systemId (the customer lookup shows a customer's records)`,
      { retriable: false },
    );
  }
}
