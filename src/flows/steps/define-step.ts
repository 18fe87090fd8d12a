import type { StepDefinition } from '../flow-step.js';

/**
 * A step type: its spec (the JSON Schema the flow compiler validates a step's config with,
 * defaults applied, and the docs show) and the compile function that gets the config. Each step
 * declares its spec `as const` and types its config `FromSchema<typeof spec>`, so that the spec
 * alone decides the config's shape.
 */
export function defineStep<Config>(definition: StepDefinition<Config>): StepDefinition<Config> {
  return definition;
}
