import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { LogScrubber } from '../../platform/observability/log-scrubber.js';
import { piiFieldNames } from '../../platform/observability/pii-field-names.js';
import { ROLE_RANK, type Principal } from './api-route.js';

/**
 * What a caller may see of customers' personal data. Operators and admins act on customers (the
 * call centre, data stewards) and see them whole; a viewer token (dashboards, monitoring, a
 * reporting tool) gets what logs show: fields the schemas mark `pii` masked by name, ID numbers,
 * mobiles and e-mail addresses masked wherever they appear, enough to tell records apart.
 */
export class PersonalDataView {
  private readonly scrubber: LogScrubber;

  constructor(catalog: SchemaCatalog) {
    this.scrubber = new LogScrubber({ piiFieldNames: piiFieldNames(catalog) });
  }

  seesWhole(principal: Principal | undefined): boolean {
    return principal !== undefined && ROLE_RANK[principal.role] >= ROLE_RANK.operator;
  }

  /** The value as the caller may see it: itself, or a masked copy. */
  for<T>(principal: Principal | undefined, value: T): T {
    return this.seesWhole(principal) ? value : (this.scrubber.value(value) as T);
  }
}
