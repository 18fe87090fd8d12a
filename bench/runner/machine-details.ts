import os from 'node:os';

export interface MachineDetails {
  cpuModel: string;
  cpuCount: number;
  /** Total memory in GiB, one decimal. */
  memoryGiB: number;
  os: string;
  node: string;
  kafka: { origin: string; version: string; brokers: string[] };
  schemaRegistry: { origin: string; version: string };
  kafkaClient: string;
}

export interface ServiceVersions {
  kafka: { origin: string; version: string; brokers: string[] };
  schemaRegistry: { origin: string; version: string };
  kafkaClient: string;
}

/** What a figure must be read with: the same code runs several times slower on a smaller machine. */
export function machineDetails(services: ServiceVersions): MachineDetails {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...services,
  };
}

export function describeMachine(machine: MachineDetails): string {
  return [
    `CPU ${machine.cpuModel} × ${machine.cpuCount}, ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}`,
    `Kafka ${machine.kafka.version} (${machine.kafka.origin}, ${machine.kafka.brokers.join(',')}), schema registry ${machine.schemaRegistry.version} (${machine.schemaRegistry.origin}), client ${machine.kafkaClient}`,
  ].join('\n');
}
