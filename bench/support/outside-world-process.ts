/**
 * The systems around the hub, in a process of their own so that they never take the hub's event
 * loop: the sender of webhooks (autocannon at full speed, or an open loop at a fixed rate) and the
 * receiver an http-sink delivers to. Sending and receiving in one process puts both timestamps on
 * one clock. Forked by OutsideWorld.
 */
import { ArrivalRecorder } from './arrival-recorder.js';
import { serveHelperCommands } from './helper-process-child.js';
import type { OutsideWorldCommand } from './outside-world.js';
import { paced } from './paced-load.js';
import { saturate } from './saturating-load.js';

let arrivals: ArrivalRecorder | undefined;

await serveHelperCommands<OutsideWorldCommand>(
  async () => {
    arrivals = await ArrivalRecorder.start();
    return { arrivalsUrl: arrivals.url };
  },
  async (command) => {
    switch (command.kind) {
      case 'saturate':
        return saturate(command.settings);
      case 'paced':
        return paced(command.settings);
      case 'arrivals':
        return { ...(await arrivals!.waitFor(command.runId, command.expected, command.timeoutMs)), unreadable: arrivals!.unreadableBodies };
    }
  },
  async () => {
    await arrivals?.close();
  },
);
