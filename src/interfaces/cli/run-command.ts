import { piiFieldNames, registerPiiFieldNames } from '../../platform/observability/pii-field-names.js';
import { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { Hub } from '../../hub/hub.js';
import { hubSettingsFromEnv } from '../../hub/hub-settings.js';
import { projectRoot } from '../../platform/infra/project-root.js';
import { createLogger, type Logger } from '../../platform/observability/logger.js';
import { printFailure } from './cli-output.js';
import { portBindError } from '../../platform/infra/free-port.js';
import { loadHubConnectors } from '../../hub/hub-connectors.js';
import { HubConfigError } from '../../platform/config/hub-config-error.js';
import { formatConfigIssue } from '../../platform/config/config-issue.js';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The demo landscape ships with the product (src/demo). It is imported only when it runs, so that a
 * hub with a config of its own never loads the simulators; an import that fails is a broken
 * installation and surfaces as such, not as "no demo".
 */
async function startDemo(logger: Logger): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const { startDemoLandscape } = await import('../../demo/demo-landscape.js');
  const landscape = await startDemoLandscape();
  logger.info(
    `demo landscape started (CRM ${landscape.env.DEMO_CRM_URL}, policy, claims, SCM, service desk, ERP simulators); config/demo.crm-hub.yaml wires them`,
  );
  return landscape;
}

/** ./crm-hub.yaml when it exists: the file a newcomer would expect the hub to pick up. */
function defaultConfigFile(): string | undefined {
  const candidate = path.resolve('crm-hub.yaml');
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** `crm-hub run`: start the hub and keep it running until SIGINT or SIGTERM. */
export async function runCommand(options: { config?: string; flows?: string; watch?: boolean } = {}): Promise<void> {
  const logger = createLogger({ component: 'hub' });
  let hub: Hub | undefined;
  let demo: { env: Record<string, string>; close(): Promise<void> } | undefined;
  let signalled = false;
  let shutdownTimeoutMs: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C means now; the embedded services' guards still stop them.
      process.exit(130);
    }
    signalled = true;
    logger.info(`${signal} received, stopping${shutdownTimeoutMs ? ` within ${shutdownTimeoutMs} ms` : ''}`);
    void (hub?.stop(shutdownTimeoutMs) ?? Promise.resolve()).then(() => demo?.close()).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const settings = hubSettingsFromEnv(process.env, projectRoot());
    shutdownTimeoutMs = settings.shutdownTimeoutMs;
    if (options.flows) settings.flowsDir = path.resolve(options.flows);
    if (options.watch) settings.watchFlows = true;
    // A busy port would otherwise surface as a stack trace after the demo simulators and the broker started.
    const unbindable = settings.httpPort === 0 ? undefined : await portBindError(settings.httpPort, settings.httpHost);
    if (unbindable) {
      const why = unbindable.code === 'EADDRINUSE' ? 'is in use' : `cannot be listened on (${unbindable.code ?? unbindable.message})`;
      process.stderr.write(
        `crm-hub: port ${settings.httpPort} on ${settings.httpHost} ${why} (set CRM_HUB_PORT to another port${unbindable.code === 'EADDRINUSE' ? '' : ', or CRM_HUB_HOST'})\n`,
      );
      process.exit(1);
    }
    let configFile = options.config ? path.resolve(options.config) : (settings.configFile ?? defaultConfigFile());
    let env = process.env;
    // On the embedded default with no hub config, a fresh `npm start` runs the demo landscape, so that
    // records are seen flowing from every back-office system; CRM_HUB_DEMO=false turns it off.
    if (!configFile && !settings.kafkaBrokers && process.env.CRM_HUB_DEMO !== 'false') {
      demo = await startDemo(logger);
      configFile = path.join(projectRoot(), 'config', 'demo.crm-hub.yaml');
      env = { ...process.env, ...demo.env };
    }
    // Everything that can be checked without a broker is checked before one is started.
    const catalog = await SchemaCatalog.load(settings.schemasDir);
    registerPiiFieldNames(piiFieldNames(catalog));
    const connectors = await loadHubConnectors(configFile, logger, env);
    if (configFile)
      logger.info(
        `hub config ${configFile}: ${connectors.config.connectors.length} connector instance(s) to start, ${connectors.invalid.size} refused`,
      );
    hub = await Hub.start(settings, catalog, connectors, logger);
    const started = hub;
    // A broker or registry that died and could not be brought back: say what died, stop, exit non-zero.
    void started.failed.then(async (error) => {
      if (signalled) return;
      signalled = true;
      logger.error(`stopping the hub: ${error.message}`);
      await started.stop(settings.shutdownTimeoutMs);
      await demo?.close();
      process.exit(1);
    });
    if (signalled) await hub.stop(settings.shutdownTimeoutMs);
  } catch (error) {
    if (error instanceof HubConfigError) for (const issue of error.issues) process.stderr.write(`${formatConfigIssue(issue)}\n`);
    printFailure(error);
    process.exit(1);
  }
}
