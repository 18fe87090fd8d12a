const STATUSES = ['OPEN', 'WAITING', 'CLOSED'] as const;

/** Ticket number `index`: `T` and ten digits. */
export function ticketNumber(index: number): string {
  return `T${String(index).padStart(10, '0')}`;
}

/** Dealer `index % groups`: `D` and six digits. */
export function dealerCode(index: number, groups: number): string {
  return `D${String(index % groups).padStart(6, '0')}`;
}

/**
 * Service event `index` (a crmhub.bench.ServiceEvent in its JSON form) of one of `groups` dealers,
 * happening at `occurredAt` (ms since the epoch). Deterministic, and varied in every field a step
 * reads, so that no cache sees one record again and again.
 */
export function serviceEvent(index: number, groups: number, occurredAt: number): Record<string, unknown> {
  return {
    ticketNumber: ticketNumber(index),
    dealerCode: dealerCode(index, groups),
    customerId: `C${String((index * 7919) % 10_000_000).padStart(10, '0')}`,
    waitMinutes: (index * 37) % 480,
    amount: ((index * 7) % 100_000) / 100,
    status: STATUSES[index % STATUSES.length],
    occurredAt: new Date(occurredAt).toISOString(),
  };
}

/** The reservation for ticket `index` (a crmhub.bench.PartsReservation in its JSON form), made at `occurredAt`. */
export function partsReservation(index: number, occurredAt: number): Record<string, unknown> {
  return {
    reference: ticketNumber(index),
    partNumber: `P${String((index * 131) % 100_000).padStart(6, '0')}`,
    quantity: 1 + (index % 5),
    occurredAt: new Date(occurredAt).toISOString(),
  };
}
