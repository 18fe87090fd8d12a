import { CustomerView } from '../../domain/customer-view/customer-view.js';
import { defaultCustomerViewSettings } from '../../domain/customer-view/customer-view-settings.js';
import { customerRoutes } from '../../interfaces/api/customer-routes.js';
import { PersonalDataView } from '../../interfaces/api/personal-data-view.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';

/**
 * The single customer view, unless the config turns it off in this process. Ready while none of
 * its processors is restarting or stopped; in the topology, its processors.
 */
export async function startCustomerView(deps: HubFeatureDeps): Promise<(HubFeature & { view: CustomerView }) | undefined> {
  const settings = deps.connectors.config.customerView ?? defaultCustomerViewSettings();
  if (!settings.enabled) return undefined;
  const producer = await deps.client.producer();
  deps.own({ name: 'customer view producer', stop: () => producer.disconnect() });
  const view = new CustomerView(settings, { client: deps.client, producer, serde: deps.serde, schemas: deps.schemas, logger: deps.logger });
  deps.own({ name: 'customer view', stop: () => view.stop() });
  await view.start();
  return {
    view,
    routes: customerRoutes(view, new PersonalDataView(deps.schemas)),
    readiness: [
      {
        name: 'customer view',
        check: () => {
          const down = view.status().processors.filter((processor) => processor.state === 'restarting' || processor.state === 'stopped');
          return {
            ok: down.length === 0,
            detail:
              down.length === 0
                ? 'running'
                : down.map((processor) => `${processor.name} ${processor.state}: ${processor.lastError?.message ?? ''}`).join(', '),
          };
        },
      },
    ],
    topology: () => ({ processors: view.topology() }),
  };
}
