import type { CustomerView } from '../../domain/customer-view/customer-view.js';
import { traceRoutes } from '../../interfaces/api/trace-routes.js';
import { customerTraceKeys } from '../../domain/customer-view/customer-trace-keys.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';

/** Record tracing across topics; with the customer view running, a trace can start from any of a customer's keys. */
export function tracingFeature(deps: HubFeatureDeps, view: CustomerView | undefined): HubFeature {
  return {
    routes: traceRoutes({
      client: deps.client,
      serde: deps.serde,
      schemas: deps.schemas,
      resolveCustomer: view ? (key) => customerTraceKeys(view.directory.lookup(key)) : undefined,
    }),
  };
}
