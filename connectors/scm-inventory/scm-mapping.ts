import type { SourceRecord } from '../../src/connect/sdk/connector-definition.js';

/** How the SCM's own JSON looks (SAP-MM-like field names) and how it maps to canonical records. */

type Value = Record<string, unknown>;

export const INVENTORY_TOPIC = 'scm.inventory.v1';
export const RESERVATION_TOPIC = 'scm.reservation.v1';

/** A storage location of a plant is one warehouse in crm-hub: WH-SZ + 01 → WH-SZ-01. */
export function warehouseCodeOf(werks: unknown, lgort: unknown): string {
  return typeof lgort === 'string' && lgort !== '' ? `${String(werks)}-${lgort}` : String(werks);
}

/** One SCM stock row → scm.inventory.v1 (crmhub.inventory.InventoryItem), keyed partNumber@warehouseCode. */
export function toInventoryRecord(
  stock: Value,
  event: { eventId: string; eventType: string; sourceSystem: string; correlationId: string },
): SourceRecord {
  const partNumber = typeof stock.matnr === 'string' ? stock.matnr : '';
  const warehouseCode = warehouseCodeOf(stock.werks, stock.lgort);
  const updatedAt = typeof stock.updatedAt === 'string' ? stock.updatedAt : new Date().toISOString();
  return {
    topic: INVENTORY_TOPIC,
    // A row without a part number still becomes a record: the runtime dead-letters it with the reason.
    key: partNumber === '' ? '' : `${partNumber}@${warehouseCode}`,
    value: {
      meta: { ...event, occurredAt: updatedAt },
      partNumber,
      partName: stock.maktx,
      warehouseCode,
      onHand: stock.labst,
      reserved: stock.reserved ?? 0,
      reorderPoint: stock.minStock ?? 0,
      unitOfMeasure: stock.meins,
      unitCost:
        typeof stock.stprs === 'string' ? { amount: stock.stprs, currency: typeof stock.waers === 'string' ? stock.waers : 'CNY' } : null,
      updatedAt,
    },
  };
}

export interface ReservationTarget {
  plant: string;
  storageLocation: string;
}

/** One requested part of a service ticket → SCM reservation; rsnum makes it idempotent per ticket and part. */
export function toReservation(ticket: Value, part: Value, target: ReservationTarget): Value {
  return {
    rsnum: `${String(ticket.ticketNumber)}/${String(part.partNumber)}`,
    reference: ticket.ticketNumber,
    matnr: part.partNumber,
    menge: part.quantity,
    werks: target.plant,
    lgort: target.storageLocation,
    requester: ticket.assignedTo ?? null,
    neededBy: ticket.slaDueAt ?? null,
  };
}

/**
 * A reservation the SCM accepted → scm.reservation.v1 (crmhub.inventory.PartReservation), keyed by
 * its number. `reservedAt` is when the SCM answered; the event continues the ticket's correlation.
 */
export function toReservationRecord(
  reservation: Value,
  event: { eventId: string; correlationId: string },
  reservedAt: string,
): SourceRecord {
  const reservationNumber = String(reservation.rsnum);
  return {
    topic: RESERVATION_TOPIC,
    key: reservationNumber,
    value: {
      meta: {
        eventId: event.eventId,
        eventType: 'PartsReserved',
        sourceSystem: 'scm',
        occurredAt: reservedAt,
        correlationId: event.correlationId,
      },
      reservationNumber,
      reference: typeof reservation.reference === 'string' ? reservation.reference : null,
      partNumber: reservation.matnr,
      quantity: reservation.menge,
      warehouseCode: warehouseCodeOf(reservation.werks, reservation.lgort),
      requester: typeof reservation.requester === 'string' ? reservation.requester : null,
      neededBy: reservation.neededBy ?? null,
      reservedAt,
    },
  };
}
