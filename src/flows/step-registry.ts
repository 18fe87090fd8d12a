import type { StepDefinition, StepRegistry } from './flow-step.js';
import { aggregateStep } from './steps/aggregate.js';
import { dedupeStep } from './steps/dedupe.js';
import { enrichStep } from './steps/enrich.js';
import { filterStep } from './steps/filter.js';
import { joinStep } from './steps/join.js';
import { logStep } from './steps/log.js';
import { mapStep } from './steps/map.js';
import { routeStep } from './steps/route.js';
import { setKeyStep } from './steps/set-key.js';
import { splitStep } from './steps/split.js';
import { timeoutStep } from './steps/timeout.js';
import { validateStep } from './steps/validate.js';

/** Every step type crm-hub ships, listed here rather than registered by importing a module. */
const BUILT_IN_STEPS: readonly StepDefinition[] = [
  filterStep,
  mapStep,
  enrichStep,
  splitStep,
  dedupeStep,
  aggregateStep,
  joinStep,
  timeoutStep,
  routeStep,
  validateStep,
  setKeyStep,
  logStep,
];

/**
 * The step types a flow may use. A new registry each time, so that a test (or an embedding
 * application) can add steps to one without affecting any other; an extra step of a built-in
 * type replaces it (a log step with a test's logger).
 */
export function createStepRegistry(extra: readonly StepDefinition[] = []): StepRegistry {
  const byType = new Map<string, StepDefinition>();
  for (const definition of [...BUILT_IN_STEPS, ...extra]) byType.set(definition.type, definition);
  return {
    get: (type) => byType.get(type),
    types: () => [...byType.keys()],
  };
}
