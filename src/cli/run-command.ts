import { SchemaCatalog } from '../avro/schema-catalog.js';
import { Hub } from '../hub/hub.js';
import { hubSettingsFromEnv } from '../hub/hub-settings.js';
import { projectRoot } from '../infra/project-root.js';
import { createLogger } from '../observability/logger.js';
import { printFailure } from './cli-output.js';

/** `crm-hub run`: start the hub and keep it running until SIGINT or SIGTERM. */
export async function runCommand(): Promise<void> {
  const logger = createLogger({ component: 'hub' });
  let hub: Hub | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C means now; the embedded services' guards still stop them.
      process.exit(130);
    }
    signalled = true;
    logger.info(`${signal} received, stopping`);
    void (hub?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const settings = hubSettingsFromEnv(process.env, projectRoot());
    const catalog = await SchemaCatalog.load(settings.schemasDir);
    hub = await Hub.start(settings, catalog, logger);
    if (signalled) await hub.stop();
  } catch (error) {
    printFailure(error);
    process.exit(1);
  }
}
