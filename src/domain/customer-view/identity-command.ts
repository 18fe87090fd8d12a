import { randomUUID } from 'node:crypto';
import { HubError } from '../../core/hub-error.js';
import type { IncomingRecord, OutgoingRecord } from '../../platform/kafka/kafka-client.js';

/**
 * Commands of data stewards to the identity resolver, e.g. "this service ticket is not that
 * customer". They travel on a topic the resolver reads with its sources, so whichever hub process
 * is resolving applies them in order with everything else, and they survive a restart.
 */
export interface UnmergeCommand {
  command: 'unmerge';
  commandId: string;
  system: string;
  systemId: string;
  requestedAt: string;
}

export class IdentityCommandError extends HubError {
  constructor(message: string) {
    super('IDENTITY_COMMAND_INVALID', message, { retriable: false });
  }
}

export function unmergeCommand(system: string, systemId: string, now = new Date()): UnmergeCommand {
  return { command: 'unmerge', commandId: randomUUID(), system, systemId, requestedAt: now.toISOString() };
}

export function identityCommandRecord(command: UnmergeCommand): OutgoingRecord {
  return {
    key: `${command.system}:${command.systemId}`,
    value: Buffer.from(JSON.stringify(command)),
    headers: { 'correlation-id': command.commandId },
  };
}

export function parseIdentityCommand(record: IncomingRecord): UnmergeCommand {
  let value: unknown;
  try {
    value = JSON.parse(record.value?.toString() ?? 'null');
  } catch {
    throw new IdentityCommandError(`${record.topic} ${record.partition}@${record.offset} is not JSON`);
  }
  const command = value as Partial<UnmergeCommand> | null;
  if (
    command?.command !== 'unmerge' ||
    typeof command.system !== 'string' ||
    typeof command.systemId !== 'string' ||
    typeof command.commandId !== 'string' ||
    typeof command.requestedAt !== 'string'
  ) {
    throw new IdentityCommandError(
      `${record.topic} ${record.partition}@${record.offset} is not an unmerge command {command, commandId, system, systemId, requestedAt}`,
    );
  }
  return command as UnmergeCommand;
}
