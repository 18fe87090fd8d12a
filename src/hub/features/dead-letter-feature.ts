import { deadLetterRoutes } from '../../interfaces/api/dead-letter-routes.js';
import { DeadLetterOffice } from '../../operations/dead-letters/dead-letter-office.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';

/** The dead-letter office: what could not be delivered or processed, to look at and replay through the API. */
export async function startDeadLetterOffice(deps: HubFeatureDeps): Promise<HubFeature> {
  const office = await DeadLetterOffice.open({ client: deps.client, serde: deps.serde, schemas: deps.schemas, logger: deps.logger });
  deps.own({ name: 'dead-letter office', stop: () => office.stop() });
  return { routes: deadLetterRoutes(office) };
}
