/**
 * The service desk's ticket shape (工单) and how it maps to service.request.v1, plus the customer
 * context the desk shows its agents. Mapping never throws: a code the desk should not have sent
 * is kept as it is, so the runtime's Avro check dead-letters the ticket with the reason.
 */
type Json = Record<string, unknown>;

/** Channels arrive as Chinese names from the agents' screens or as codes from the self-service channels. */
const CHANNELS: Record<string, string> = {
  电话: 'PHONE',
  来电: 'PHONE',
  TEL: 'PHONE',
  传真: 'FAX',
  FAX: 'FAX',
  邮件: 'EMAIL',
  电子邮件: 'EMAIL',
  MAIL: 'EMAIL',
  网页: 'WEB',
  官网: 'WEB',
  WEB: 'WEB',
  短信: 'SMS',
  SMS: 'SMS',
};
const CATEGORIES: Record<string, string> = {
  维修: 'REPAIR',
  安装: 'INSTALLATION',
  保养: 'MAINTENANCE',
  投诉: 'COMPLAINT',
  咨询: 'INQUIRY',
  报案: 'CLAIM_REPORT',
  退货: 'RETURN',
};
const PRIORITIES: Record<string, string> = { 低: 'LOW', 普通: 'NORMAL', 高: 'HIGH', 紧急: 'URGENT' };
const STATUSES: Record<string, string> = {
  新建: 'NEW',
  已派单: 'ASSIGNED',
  处理中: 'IN_PROGRESS',
  待备件: 'WAITING_PARTS',
  已解决: 'RESOLVED',
  已关闭: 'CLOSED',
  已取消: 'CANCELLED',
};
/** Value segments as the desk's VIP marks (贵宾等级). */
const VIP_LEVELS: Record<string, string> = { PLATINUM: '钻石', GOLD: '金卡', SILVER: '银卡', BRONZE: '普通', UNCLASSIFIED: '普通' };

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const code = (table: Record<string, string>, value: unknown): unknown =>
  typeof value === 'string' ? (table[value.trim().toUpperCase()] ?? table[value.trim()] ?? value) : value;

/** 'yyyy-MM-dd HH:mm:ss' in Beijing time → epoch ms, or undefined. */
function beijingMs(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value) : null;
  const ms = match ? Date.parse(`${match[1]}T${match[2]}+08:00`) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** A Beijing time as an ISO instant; absent or blank is null; anything else is kept for the schema to refuse. */
function optionalBeijingTime(value: unknown): unknown {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  const ms = beijingMs(value);
  return ms === undefined ? value : new Date(ms).toISOString();
}

export function serviceRequestFromTicket(ticket: Json, meta: Json): Json {
  const opened = beijingMs(ticket.createdTime);
  const slaHours = typeof ticket.slaHours === 'number' ? ticket.slaHours : 48;
  return {
    meta,
    ticketNumber: ticket.ticketNo,
    customerId: text(ticket.custNo),
    callerName: text(ticket.contactName),
    callerPhone: text(ticket.contactTel),
    product: { productCode: ticket.model, productName: ticket.modelName, serialNumber: text(ticket.sn) },
    channel: code(CHANNELS, ticket.source),
    category: code(CATEGORIES, ticket.bizType),
    priority: code(PRIORITIES, ticket.urgency),
    status: code(STATUSES, ticket.state),
    description: text(ticket.problem),
    partsRequested: (Array.isArray(ticket.parts) ? (ticket.parts as Json[]) : []).map((part) => ({
      partNumber: part.partNo,
      quantity: part.qty,
    })),
    openedAt: opened === undefined ? ticket.createdTime : new Date(opened).toISOString(),
    slaDueAt: opened === undefined ? ticket.createdTime : new Date(opened + slaHours * 3600_000).toISOString(),
    updatedAt: ticket.modifyTime,
    assignedTo: text(ticket.engineer),
    // Dispatch to an authorised dealer's branch (服务商 / 网点); the call centre's own tickets have neither.
    dealerCode: text(ticket.dealerNo),
    branchCode: text(ticket.branchNo),
    closedAt: optionalBeijingTime(ticket.closeTime),
  };
}

/** What the desk shows agents about the caller, from a crm.customer.v1 value. */
export function customerContext(customer: Json): Json {
  const phones = Array.isArray(customer.phones) ? (customer.phones as Json[]) : [];
  const primary = phones.find((phone) => phone.primary === true) ?? phones[0];
  return {
    custNo: customer.customerId,
    custName: customer.fullName,
    vipLevel: VIP_LEVELS[String(customer.valueSegment)] ?? '普通',
    contactTel: primary?.number ?? null,
    custState: customer.status,
    // After de-duplication the agent must work on the surviving customer.
    mergedInto: customer.mergedIntoCustomerId ?? null,
    updatedAt: customer.updatedAt,
  };
}
