import { startInfrastructure, stopInfrastructure } from './infrastructure.js';

// Mocha global fixtures: once per run, around every integration test file.
export async function mochaGlobalSetup(): Promise<void> {
  await startInfrastructure();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopInfrastructure();
}
