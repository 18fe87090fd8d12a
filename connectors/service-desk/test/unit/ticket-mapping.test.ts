import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import { seededDeskTickets } from '../../../../src/demo/service-desk-simulator.js';
import { customerContext, serviceRequestFromTicket } from '../../ticket-mapping.js';

const meta = {
  eventId: 'evt-1',
  eventType: 'ServiceRequestUpdated',
  sourceSystem: 'call-centre',
  occurredAt: '2026-11-24T01:20:00.000Z',
  correlationId: 'corr-1',
};

function deskTicket(): Record<string, unknown> {
  return {
    ticketNo: 'SR20261123000157',
    custNo: 'C310115000456',
    contactName: '王秀英',
    contactTel: '15900001234',
    model: 'KFR-35GW/BP3DN8Y',
    modelName: '变频空调挂机 1.5匹',
    sn: '2R3K0A1234567',
    source: '电话',
    bizType: '维修',
    urgency: '高',
    state: '待备件',
    problem: '空调制冷效果差。',
    parts: [{ partNo: 'CMP-35-INV', qty: 1 }],
    createdTime: '2026-11-23 17:47:12',
    slaHours: 48,
    engineer: 'ENG-0217',
    modifyTime: '2026-11-24T01:20:00.000Z',
  };
}

describe('service-desk ticket mapping', () => {
  it('maps a ticket to service.request.v1 with Beijing times and SLA hours', () => {
    expect(serviceRequestFromTicket(deskTicket(), meta)).to.deep.include({
      ticketNumber: 'SR20261123000157',
      customerId: 'C310115000456',
      channel: 'PHONE',
      category: 'REPAIR',
      priority: 'HIGH',
      status: 'WAITING_PARTS',
      openedAt: '2026-11-23T09:47:12.000Z',
      slaDueAt: '2026-11-25T09:47:12.000Z',
      updatedAt: '2026-11-24T01:20:00.000Z',
      assignedTo: 'ENG-0217',
      partsRequested: [{ partNumber: 'CMP-35-INV', quantity: 1 }],
    });
  });

  it('maps the dealer branch a ticket is dispatched to and its Beijing closing time', () => {
    const closed = { ...deskTicket(), state: '已关闭', dealerNo: ' SD-SZ-0008 ', branchNo: 'PD-02', closeTime: '2026-11-25 08:05:30' };
    expect(serviceRequestFromTicket(closed, meta)).to.deep.include({
      status: 'CLOSED',
      dealerCode: 'SD-SZ-0008',
      branchCode: 'PD-02',
      closedAt: '2026-11-25T00:05:30.000Z',
    });
    // Not dispatched (the call centre's own ticket) and still open: all three are null, absent or blank alike.
    expect(serviceRequestFromTicket(deskTicket(), meta)).to.deep.include({ dealerCode: null, branchCode: null, closedAt: null });
    expect(serviceRequestFromTicket({ ...deskTicket(), dealerNo: ' ', branchNo: null, closeTime: '' }, meta)).to.deep.include({
      dealerCode: null,
      branchCode: null,
      closedAt: null,
    });
  });

  it('maps Chinese channel names and channel codes to the channel enum', () => {
    const channel = (source: string): unknown => serviceRequestFromTicket({ ...deskTicket(), source }, meta).channel;
    expect(['电话', 'TEL', '传真', 'fax', '邮件', 'MAIL', '网页', 'WEB', '短信', 'SMS'].map(channel)).to.deep.equal([
      'PHONE',
      'PHONE',
      'FAX',
      'FAX',
      'EMAIL',
      'EMAIL',
      'WEB',
      'WEB',
      'SMS',
      'SMS',
    ]);
  });

  it('gives values the ServiceRequest schema accepts, and keeps unknown codes for it to refuse', async () => {
    const type = (await SchemaCatalog.load()).type('ServiceRequest');
    for (const ticket of seededDeskTickets(20))
      expect(
        type.isValid(serviceRequestFromTicket({ ...ticket, modifyTime: '2026-11-24T01:20:00.000Z' }, meta)),
        String(ticket.ticketNo),
      ).to.equal(true);
    expect(type.isValid(serviceRequestFromTicket({ ...deskTicket(), source: '微信' }, meta))).to.equal(false);
    expect(type.isValid(serviceRequestFromTicket({ ...deskTicket(), createdTime: '23/11/2026' }, meta))).to.equal(false);
    // A closing time the desk should not have sent is kept, so the ticket is dead-lettered rather than counted as never closed.
    const badClosing = serviceRequestFromTicket({ ...deskTicket(), state: '已关闭', closeTime: '2026-11-25T08:05:30' }, meta);
    expect(badClosing.closedAt).to.equal('2026-11-25T08:05:30');
    expect(type.isValid(badClosing)).to.equal(false);
  });

  it('builds the customer context from a crm.customer.v1 value', () => {
    expect(customerContext({ ...sampleCustomer(), status: 'MERGED', mergedIntoCustomerId: 'C1' })).to.deep.equal({
      custNo: 'C440300000123',
      custName: '张伟',
      vipLevel: '金卡',
      contactTel: '13812345678',
      custState: 'MERGED',
      mergedInto: 'C1',
      updatedAt: '2026-11-23T08:29:58.123Z',
    });
  });
});
