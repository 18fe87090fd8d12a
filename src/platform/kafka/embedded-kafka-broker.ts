import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../infra/cache-dir.js';
import { freePort } from '../infra/free-port.js';
import { EmbeddedService } from '../infra/embedded-service.js';
import { InfrastructureError } from '../infra/infrastructure-error.js';
import { MavenArtifactFetcher } from '../infra/maven-artifact-fetcher.js';
import { requireCommand } from '../infra/required-command.js';
import { SupervisedProcess } from '../infra/supervised-process.js';
import type { KafkaEndpoint } from './kafka-endpoint.js';
import { waitForKafka } from './kafka-readiness.js';

export const KAFKA_VERSION = '4.1.1';
const KAFKA_ARTIFACTS = [`org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`, 'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3'];

export interface EmbeddedKafkaOptions {
  /** Log and metadata folder; kept between runs when it already holds a formatted broker. */
  dataDir: string;
  /** Client port; a free one is picked when unset or taken. */
  port?: number;
  heapMb?: number;
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * A single-node KRaft Apache Kafka run from the project's own jars fetched with Maven: the real
 * broker, with no Docker engine needed.
 */
export class EmbeddedKafkaBroker extends EmbeddedService implements KafkaEndpoint {
  readonly origin = 'embedded' as const;

  private constructor(
    readonly brokers: string[],
    process: SupervisedProcess,
    launch: () => Promise<SupervisedProcess>,
    port: number,
  ) {
    super(process, launch, port, 'KAFKA_PORT_TAKEN');
  }

  static async start(options: EmbeddedKafkaOptions): Promise<EmbeddedKafkaBroker> {
    const log = options.log ?? (() => undefined);
    await requireCommand('java', ['-version'], 'to run the embedded Kafka broker (or set KAFKA_BROKERS to use an existing one)');
    const home = await new MavenArtifactFetcher(log).fetchWithDependencies(cacheDir(`kafka-${KAFKA_VERSION}`), KAFKA_ARTIFACTS);
    const classpath = `${path.join(home, 'libs')}/*`;
    await fs.mkdir(options.dataDir, { recursive: true });
    const port = await freePort(options.port);
    const launch = () => launchBroker(options, classpath, port);
    return new EmbeddedKafkaBroker([`127.0.0.1:${port}`], await launch(), launch, port);
  }

  get name(): string {
    return `embedded Kafka on ${this.brokers[0]}`;
  }
}

/** Writes the configuration (formatting the storage the first time) and starts the broker process; resolves once it serves. */
async function launchBroker(options: EmbeddedKafkaOptions, classpath: string, port: number): Promise<SupervisedProcess> {
  const log = options.log ?? (() => undefined);
  const controllerPort = await freePort();
  const logDir = path.join(options.dataDir, 'kafka-logs');
  const propertiesFile = path.join(options.dataDir, 'server.properties');
  const log4jFile = path.join(options.dataDir, 'log4j2.properties');
  await fs.writeFile(propertiesFile, serverProperties({ port, controllerPort, logDir }));
  await fs.writeFile(log4jFile, LOG4J_PROPERTIES);

  if (!(await isFormatted(logDir))) {
    const clusterId = (await java(classpath, ['kafka.tools.StorageTool', 'random-uuid'])).trim();
    await java(classpath, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile]);
  }

  const brokers = [`127.0.0.1:${port}`];
  const processLog = path.join(options.dataDir, 'kafka.log');
  log(`starting embedded Kafka ${KAFKA_VERSION} on ${brokers[0]} (data ${options.dataDir}, log ${processLog})`);
  const server = SupervisedProcess.start({
    name: `embedded Kafka on ${brokers[0]}`,
    command: 'java',
    args: [
      `-Xmx${options.heapMb ?? 512}m`,
      '-XX:+UseSerialGC',
      `-Dlog4j2.configurationFile=${log4jFile}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesFile,
    ],
    logFile: processLog,
  });
  try {
    await waitForKafka(brokers, {
      timeoutMs: options.startTimeoutMs ?? 60_000,
      isAlive: () => server.running,
      describe: () => `Log ${processLog}:\n${server.logTail()}`,
    });
  } catch (error) {
    await server.stop();
    throw server.running ? error : server.failedToStart('exited during start-up');
  }
  log(`embedded Kafka ready on ${brokers[0]}`);
  return server;
}

/** The broker's server.properties; exported for its test. */
export function serverProperties(p: { port: number; controllerPort: number; logDir: string }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${p.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${p.logDir}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // A topic is never made by naming it: a misspelt one must fail, not quietly appear. The hub creates what it uses.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

// Broker logs go to the process log file at INFO; the noisy request logger stays quiet.
const LOG4J_PROPERTIES = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
`;

async function isFormatted(logDir: string): Promise<boolean> {
  return fs.access(path.join(logDir, 'meta.properties')).then(
    () => true,
    () => false,
  );
}

async function java(classpath: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('java', ['-cp', classpath, ...args], { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const detail = error as { stderr?: string; message: string };
    throw new InfrastructureError(
      'KAFKA_STORAGE_FORMAT_FAILED',
      `java ${args.join(' ')} failed: ${detail.stderr?.trim() || detail.message}`,
      { cause: error },
    );
  }
}
