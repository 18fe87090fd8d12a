import fs from 'node:fs/promises';
import path from 'node:path';
import { cacheDir } from '../infra/cache-dir.js';
import { freePort } from '../infra/free-port.js';
import { EmbeddedService } from '../infra/embedded-service.js';
import { MavenArtifactFetcher } from '../infra/maven-artifact-fetcher.js';
import { requireCommand } from '../infra/required-command.js';
import { SupervisedProcess } from '../infra/supervised-process.js';
import { SchemaRegistryClient, type CompatibilityLevel } from './schema-registry-client.js';
import type { SchemaRegistryEndpoint } from './schema-registry-endpoint.js';
import { waitForSchemaRegistry } from './schema-registry-readiness.js';

export const APICURIO_VERSION = '3.0.9';
const APICURIO_ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;
const CCOMPAT_PATH = '/apis/ccompat/v7';

export interface EmbeddedSchemaRegistryOptions {
  /** Bootstrap servers of the Kafka that stores the schemas (Apicurio's kafkasql storage). */
  kafkaBrokers: string[];
  /** Folder for the process log. */
  workDir: string;
  port?: number;
  /** Kafka topic holding the registry's journal; one per independent registry. */
  journalTopic?: string;
  compatibility?: CompatibilityLevel;
  heapMb?: number;
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * Apicurio Registry run from its Maven Central distribution, storing schemas in our Kafka so that
 * they survive restarts. The hub only speaks the Confluent API to it, so any other
 * Confluent-compatible registry can take its place through SCHEMA_REGISTRY_URL.
 */
export class EmbeddedSchemaRegistry extends EmbeddedService implements SchemaRegistryEndpoint {
  readonly origin = 'embedded' as const;

  private constructor(
    readonly url: string,
    readonly port: number,
    process: SupervisedProcess,
    launch: () => Promise<SupervisedProcess>,
  ) {
    super(process, launch, port, 'REGISTRY_PORT_TAKEN');
  }

  static async start(options: EmbeddedSchemaRegistryOptions): Promise<EmbeddedSchemaRegistry> {
    const log = options.log ?? (() => undefined);
    await requireCommand('java', ['-version'], 'to run the embedded schema registry (or set SCHEMA_REGISTRY_URL to use an existing one)');
    const home = await new MavenArtifactFetcher(log).fetchAndUnpack(cacheDir(`apicurio-registry-${APICURIO_VERSION}`), APICURIO_ARTIFACT);
    await fs.mkdir(options.workDir, { recursive: true });
    const port = await freePort(options.port);
    const launch = () => launchRegistry(options, home, port);
    return new EmbeddedSchemaRegistry(registryUrl(port), port, await launch(), launch);
  }

  get name(): string {
    return `embedded schema registry on port ${this.port}`;
  }
}

function registryUrl(port: number): string {
  return `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
}

/** Starts the registry process; resolves once it serves, with the compatibility level set. */
async function launchRegistry(options: EmbeddedSchemaRegistryOptions, home: string, port: number): Promise<SupervisedProcess> {
  const log = options.log ?? (() => undefined);
  const url = registryUrl(port);
  const processLog = path.join(options.workDir, 'schema-registry.log');
  log(`starting embedded Apicurio Registry ${APICURIO_VERSION} at ${url} (log ${processLog})`);
  const server = SupervisedProcess.start({
    name: `embedded schema registry on port ${port}`,
    command: 'java',
    // The work folder on the command line lets people (and tests) tell which hub a JVM belongs to.
    args: [
      `-Xmx${options.heapMb ?? 384}m`,
      '-XX:+UseSerialGC',
      `-Dcrmhub.workdir=${options.workDir}`,
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.http.host=127.0.0.1',
      '-jar',
      path.join(home, `apicurio-registry-app-${APICURIO_VERSION}-runner.jar`),
    ],
    cwd: options.workDir,
    env: {
      ...process.env,
      APICURIO_STORAGE_KIND: 'kafkasql',
      APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: options.kafkaBrokers.join(','),
      APICURIO_KAFKASQL_TOPIC: options.journalTopic ?? 'crm-hub-schema-registry-journal',
    },
    logFile: processLog,
    stopGraceSeconds: 15,
  });
  try {
    await waitForSchemaRegistry(url, {
      timeoutMs: options.startTimeoutMs ?? 90_000,
      isAlive: () => server.running,
      describe: () => `Log ${processLog}:\n${server.logTail()}`,
    });
    // Apicurio's global default is NONE; a registry that accepts any change protects nobody.
    await new SchemaRegistryClient(url).setCompatibility(options.compatibility ?? 'BACKWARD');
  } catch (error) {
    await server.stop();
    throw server.running ? error : server.failedToStart('exited during start-up');
  }
  log(`embedded schema registry ready at ${url}`);
  return server;
}
