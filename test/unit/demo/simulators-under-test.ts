import { expect } from 'chai';
import axios, { type AxiosInstance } from 'axios';
import { startBackOfficeSimulator, type BackOfficeSimulator } from '../../../src/demo/back-office-simulator.js';
import type { BackOfficeSimulatorOptions } from '../../../src/demo/back-office-simulator-options.js';

/** Starts simulators for the tests of one `describe`, each closed after the test that opened it. */
export function simulatorsUnderTest(): (options: BackOfficeSimulatorOptions) => Promise<BackOfficeSimulator> {
  const opened: BackOfficeSimulator[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((simulator) => simulator.close()));
  });
  return async (options) => {
    const simulator = await startBackOfficeSimulator(options);
    opened.push(simulator);
    return simulator;
  };
}

/** Lets I/O and promise callbacks run until `condition` holds (at most 2 s of real time, and no clock time): what a request has reached is then seen. */
export async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 2000 && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition(), String(condition)).to.equal(true);
}

/** A client that hands every status back, as the assertions are about the statuses. */
export function clientOf(simulator: BackOfficeSimulator, headers: Record<string, string> = {}): AxiosInstance {
  return axios.create({ baseURL: `${simulator.url}/api`, headers, timeout: 2000, validateStatus: () => true });
}
