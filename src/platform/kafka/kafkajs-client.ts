import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { ExistingTopics } from './existing-topics.js';
import type {
  ConsumerOptions,
  HubAdmin,
  HubConsumer,
  HubProducer,
  IncomingRecord,
  KafkaClient,
  OffsetRange,
  TopicScanner,
} from './kafka-client.js';
import { connectKafkajsAdmin } from './kafkajs-admin.js';
import { connectKafkajsConsumer } from './kafkajs-consumer.js';
import { connectKafkajsProducer } from './kafkajs-producer.js';
import { KafkajsTopicScanner } from './kafkajs-topic-scanner.js';

export interface KafkajsClientOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
  /** Bounded retries of one request before it fails; the runtime's own retry policy sits above. */
  requestRetries?: number;
  /** Group members unheard for this long lose their partitions (kafkajs's default 30 s). */
  sessionTimeoutMs?: number;
}

/**
 * KafkaClient on kafkajs: one connection setup (brokers, request retries, logging) shared by the
 * producer, consumer, admin and topic scanner, each in its own kafkajs-*.ts file. Those files are
 * the only ones that import kafkajs outside the infrastructure probes.
 */
export class KafkajsClient implements KafkaClient, TopicScanner {
  private readonly kafka: Kafka;
  private readonly scanner: KafkajsTopicScanner;

  /** Shared by this client's producers: each topic is looked up once. */
  private readonly existingTopics = new ExistingTopics(async () => {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  });

  constructor(private readonly options: KafkajsClientOptions) {
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'crm-hub',
      brokers: options.brokers,
      connectionTimeout: 3000,
      retry: { retries: options.requestRetries ?? 8, initialRetryTime: 300, maxRetryTime: 10_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        if (!logger) return;
        const { message, ...rest } = entry.log;
        const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
        logger.log(level, message, { component: 'kafkajs', namespace: entry.namespace, ...rest });
      },
    });
    this.scanner = new KafkajsTopicScanner(this.kafka);
  }

  get brokers(): string[] {
    return this.options.brokers;
  }

  producer(): Promise<HubProducer> {
    return connectKafkajsProducer(this.kafka, this.existingTopics);
  }

  consumer(options: ConsumerOptions): Promise<HubConsumer> {
    return connectKafkajsConsumer(this.kafka, options, this.options.sessionTimeoutMs);
  }

  admin(): Promise<HubAdmin> {
    return connectKafkajsAdmin(this.kafka, this.existingTopics);
  }

  readToEnd(topic: string): Promise<IncomingRecord[]> {
    return this.scanner.readToEnd(topic);
  }

  readPartitionsToEnd(topic: string, partitions: readonly number[], visit: (records: IncomingRecord[]) => void): Promise<void> {
    return this.scanner.readPartitionsToEnd(topic, partitions, visit);
  }

  /** See KafkajsTopicScanner.follow: a tail that moves nobody's offsets. */
  follow(
    topic: string,
    options: { fromBeginning: boolean; signal: AbortSignal },
    visit: (record: IncomingRecord) => Promise<void> | void,
  ): Promise<void> {
    return this.scanner.follow(topic, options, visit);
  }

  rangesSince(topics: string[], timestamp: number): Promise<OffsetRange[]> {
    return this.scanner.rangesSince(topics, timestamp);
  }

  scanRanges(ranges: OffsetRange[], visit: (records: IncomingRecord[]) => void, signal?: AbortSignal): Promise<OffsetRange[]> {
    return this.scanner.scanRanges(ranges, visit, signal);
  }
}
