import { expect } from 'chai';
import { mapStep } from '../../../../src/flows/steps/map.js';
import { sampleCustomer, sampleErpCustomer, sampleServiceRequest } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run, specAccepts } from './step-harness.js';

const customerMessage = (changes: Record<string, unknown> = {}) =>
  messageOf('crm.customer.v1', { ...sampleCustomer(), ...changes }, 'C440300000123', 'crmhub.customer.Customer');

// The CRM customer as the ERP customer master wants it (the crm-customer-to-erp flow).
const toErpCustomer = {
  schema: 'ErpCustomer',
  fields: {
    meta: '{ "eventId": meta.eventId, "eventType": "ErpCustomerChanged", "sourceSystem": "crm-hub", "occurredAt": meta.occurredAt, "correlationId": meta.correlationId }',
    erpCustomerId: 'customerId',
    customerType: 'customerType',
    name: 'fullName',
    taxIdType: 'idType',
    taxId: 'idNumber',
    mobile: 'phones[type = "MOBILE" and primary].number',
    email: 'email',
    billingAddress: 'addresses[type = "MAILING"] ? addresses[type = "MAILING"] : addresses[type = "HOME"]',
    segment: 'valueSegment',
    sourceUpdatedAt: 'updatedAt',
  },
};

describe('map step', () => {
  it('maps a customer to the ERP record, checked against the schema, and names the new record', async () => {
    const { step, issues } = await compileStep(mapStep, toErpCustomer, { input: 'Customer' });
    expect(issues).to.deep.equal([]);
    expect(step.outputType?.name).to.equal('crmhub.erp.ErpCustomer');
    const [out] = await run(step, customerMessage());
    expect(out?.value).to.deep.equal(sampleErpCustomer());
    expect(out?.schemaName).to.equal('crmhub.erp.ErpCustomer');
    expect(out?.key).to.equal('C440300000123');
  });

  it('fills defaults of fields the mapping leaves empty, and fails a message that does not fit, naming each field but no value', async () => {
    const { step } = await compileStep(mapStep, toErpCustomer, { input: 'Customer' });
    const [out] = await run(step, customerMessage({ email: null, phones: [] }));
    expect(out?.value).to.include({ email: null, mobile: null });
    const error = await failureOf(step, customerMessage({ customerType: 'HOUSEHOLD', updatedAt: '2026-11-23 08:29' }));
    expect(error).to.include({ code: 'FLOW_MAP_OUTPUT_INVALID', retriable: false });
    expect(error.message).to.equal(
      'map output does not fit crmhub.erp.ErpCustomer: customerType: expected crmhub.customer.CustomerType; sourceUpdatedAt: expected timestamp-millis',
    );
    const missing = await failureOf(step, customerMessage({ idNumber: undefined }));
    expect(missing.message).to.equal('map output does not fit crmhub.erp.ErpCustomer: taxId: missing (string)');
  });

  it('reports fields the schema does not have and required fields the mapping does not set', async () => {
    const { issues } = await compileStep(
      mapStep,
      { schema: 'crmhub.erp.ErpCustomer', fields: { erpCustomerld: 'customerId', name: 'fullName', nickname: 'fullName' } },
      { input: 'Customer' },
    );
    expect(issues).to.deep.equal([
      {
        path: ['fields', 'erpCustomerld'],
        code: 'FIELD_UNKNOWN',
        message: 'field erpCustomerld is not in crmhub.erp.ErpCustomer; did you mean erpCustomerId?',
      },
      { path: ['fields', 'nickname'], code: 'FIELD_UNKNOWN', message: 'field nickname is not in crmhub.erp.ErpCustomer' },
      {
        path: ['fields'],
        code: 'REQUIRED_MISSING',
        message:
          'crmhub.erp.ErpCustomer requires fields meta, erpCustomerId, customerType, taxIdType, taxId, sourceUpdatedAt, which the mapping does not set',
      },
    ]);
  });

  it('reports an unknown schema and problems of field expressions where they are', async () => {
    const { issues } = await compileStep(mapStep, { schema: 'ErpCustomr', fields: { erpCustomerId: 'customerld' } }, { input: 'Customer' });
    expect(issues).to.deep.equal([
      { path: ['schema'], code: 'SCHEMA_UNKNOWN', message: 'unknown schema ErpCustomr; did you mean crmhub.erp.ErpCustomer?' },
      {
        path: ['fields', 'erpCustomerId'],
        code: 'FIELD_UNKNOWN',
        message: 'field customerld is not in crmhub.customer.Customer; did you mean customerId?',
        offset: 0,
      },
    ]);
  });

  it('takes the shorthand of field mappings, without a schema and so without an output type', async () => {
    const config = {
      ticket: 'ticketNumber',
      caller: 'callerName',
      parts: '$count(partsRequested)',
      urgent: 'priority in ["HIGH", "URGENT"]',
      missing: 'noSuchField',
    };
    expect(specAccepts(mapStep, config)).to.equal(true);
    const { step, issues } = await compileStep(mapStep, config);
    expect(issues).to.deep.equal([]);
    expect(step.outputType).to.equal(undefined);
    const [out] = await run(
      step,
      messageOf('service.request.v1', sampleServiceRequest(), 'SR20261123000157', 'crmhub.service.ServiceRequest'),
    );
    expect(out?.value).to.deep.equal({ ticket: 'SR20261123000157', caller: '王秀英', parts: 2, urgent: true });
    expect(out?.schemaName).to.equal(undefined);
  });

  it('builds the whole value from one expression, as a plain object, or over the input with keep', async () => {
    const { step } = await compileStep(mapStep, '{ "id": customerId, "tier": $segment(35000) }');
    const [out] = await run(step, customerMessage());
    expect(out?.value).to.deep.equal({ id: 'C440300000123', tier: 'GOLD' });
    expect(Object.getPrototypeOf(out?.value)).to.equal(Object.prototype);
    const { step: kept } = await compileStep(mapStep, { fields: { valueSegment: '"PLATINUM"' }, keep: true }, { input: 'Customer' });
    const message = customerMessage();
    const [updated] = await run(kept, message);
    expect(updated?.value).to.deep.equal({ ...sampleCustomer(), valueSegment: 'PLATINUM' });
    expect(message.value.valueSegment).to.equal('GOLD');
  });

  it('fails a message whose expression gives no object', async () => {
    const { step } = await compileStep(mapStep, { expression: 'fullName' });
    const error = await failureOf(step, customerMessage());
    expect(error).to.include({
      code: 'FLOW_MAP_OUTPUT_INVALID',
      message: 'map: the expression must give an object, got a string',
      retriable: false,
    });
  });

  it('refuses settings mixed into the shorthand and forms that contradict each other', async () => {
    const { issues } = await compileStep(mapStep, { schema: 'ErpCustomer', erpCustomerId: 'customerId' });
    expect(issues).to.deep.equal([
      { path: ['schema'], code: 'VALUE_INVALID', message: '"schema" together with field mappings: put the mappings under "fields"' },
    ]);
    const { issues: both } = await compileStep(mapStep, { fields: { a: 'customerId' }, expression: '{}' });
    expect(both).to.deep.equal([{ path: [], code: 'VALUE_INVALID', message: 'takes "fields" or "expression", not both' }]);
  });
});
