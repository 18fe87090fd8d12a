import { expect } from 'chai';
import { SCM_SEED_STOCK } from '../../../../src/demo/scm-simulator.js';
import { sampleServiceRequest } from '../../../../test/fixtures/sample-records.js';
import { toInventoryRecord, toReservation, warehouseCodeOf } from '../../scm-mapping.js';

describe('scm-inventory mapping', () => {
  const event = { eventId: 'e1', eventType: 'StockLevelChanged', sourceSystem: 'scm', correlationId: 'c1' };

  it('maps an SCM stock row to scm.inventory.v1 keyed partNumber@warehouseCode', () => {
    const record = toInventoryRecord(SCM_SEED_STOCK[0]!, event);
    expect(record.key).to.equal('52119-06983@WH-SZ-01');
    expect(record.value).to.deep.include({
      partNumber: '52119-06983',
      warehouseCode: 'WH-SZ-01',
      onHand: 42,
      reserved: 5,
      reorderPoint: 10,
      unitOfMeasure: 'PCS',
      unitCost: { amount: '1288.00', currency: 'CNY' },
    });
    expect(toInventoryRecord(SCM_SEED_STOCK[3]!, event).value.unitCost).to.equal(null);
    expect(warehouseCodeOf('WH-SZ', '')).to.equal('WH-SZ');
  });

  it('makes one reservation per requested part, keyed by ticket and part', () => {
    const ticket = sampleServiceRequest();
    const reservation = toReservation(ticket, (ticket.partsRequested as Record<string, unknown>[])[1]!, {
      plant: 'WH-SZ',
      storageLocation: '01',
    });
    expect(reservation).to.include({
      rsnum: 'SR20261123000157/CAP-35UF',
      reference: 'SR20261123000157',
      matnr: 'CAP-35UF',
      menge: 2,
      werks: 'WH-SZ',
      lgort: '01',
    });
  });
});
