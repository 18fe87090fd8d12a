import fs from 'node:fs/promises';
import path from 'node:path';
import type { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { FlowRuntime } from '../../src/flows/flow-runtime.js';
import type { FlowRunner } from '../../src/flows/flow-runner.js';
import { createStepRegistry } from '../../src/flows/step-registry.js';
import type { KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { BenchError } from '../runner/bench-error.js';
import type { TimedConsumer } from './backlog-timing.js';

/**
 * One flow file run by a real FlowRuntime from a folder of its own, as `crm-hub run` hosts flows
 * (the integration tests start theirs the same way). Exposes the runner as a TimedConsumer.
 */
export class FlowHost implements TimedConsumer {
  private constructor(
    private readonly runtime: FlowRuntime,
    private readonly runner: FlowRunner,
  ) {}

  static async start(
    dir: string,
    name: string,
    yaml: string,
    deps: { client: KafkaClient; serde: AvroSerde; schemas: SchemaCatalog },
  ): Promise<FlowHost> {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${name}.yaml`), yaml);
    const runtime = await FlowRuntime.start(dir, {
      ...deps,
      steps: createStepRegistry(),
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }),
    });
    const runner = runtime.runner(name);
    if (!runner) {
      const issues = runtime.statuses().flatMap((status) => status.issues ?? []);
      await runtime.stop();
      throw new BenchError('BENCH_FLOW_INVALID', `flow ${name} did not start: ${issues.join('; ') || 'no runner'}`);
    }
    return new FlowHost(runtime, runner);
  }

  get groupId(): string {
    return this.runner.groupId;
  }

  /** The whole flow's: records in at its first stage, out of its last (a stateful flow runs in stages, see src/flows/repartition.ts). */
  get counters(): FlowRunner['counters'] {
    return this.runtime.status(this.runner.flow.name).counters ?? this.runner.counters;
  }

  received(): number {
    return this.runner.counters.recordsIn;
  }

  next(): { groupId: string; topic: string }[] {
    return (this.runtime.status(this.runner.flow.name).stepState ?? []).map((step) => ({ groupId: step.groupId, topic: step.input }));
  }

  pause(): void {
    this.runtime.pause(this.runner.flow.name);
  }

  resume(): void {
    this.runtime.resume(this.runner.flow.name);
  }

  stop(): Promise<void> {
    return this.runtime.stop();
  }
}
