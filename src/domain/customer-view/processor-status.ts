/** What a customer-view processor reports to the status API: counts since start and the last failure. */
export interface ProcessorStatus {
  name: string;
  state: 'starting' | 'active' | 'standby' | 'restarting' | 'stopped';
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
  lastError: { message: string; at: string } | null;
}

export function newProcessorStatus(name: string): ProcessorStatus {
  return { name, state: 'starting', recordsIn: 0, recordsOut: 0, deadLettered: 0, lastError: null };
}
