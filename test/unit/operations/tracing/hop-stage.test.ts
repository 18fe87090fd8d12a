import { expect } from 'chai';
import { describeStage, stageOf } from '../../../../src/operations/tracing/hop-stage.js';

describe('stageOf', () => {
  it('a record a source wrote: its source system', () => {
    expect(stageOf('crm.customer.v1', { 'source-system': 'crm', 'correlation-id': 'c' })).to.deep.equal({ kind: 'source', name: 'crm' });
    expect(stageOf('crm.customer.v1', {})).to.deep.equal({ kind: 'source' });
  });

  it('a record a flow or a sink derived: the stage it names', () => {
    expect(stageOf('vip.customer.v1', { 'source-system': 'crm', 'hub-stage': 'flow:vip' })).to.deep.equal({ kind: 'flow', name: 'vip' });
    expect(stageOf('erp.customer-xref.v1', { 'hub-stage': 'sink:erp-main' })).to.deep.equal({ kind: 'sink', name: 'erp-main' });
    expect(stageOf('customer.golden.v1', { 'source-system': 'crm-hub', 'hub-stage': 'customer-view:identity' })).to.deep.equal({
      kind: 'customer-view',
      name: 'identity',
    });
    expect(stageOf('crm.customer.v1', { 'hub-stage': 'replay:r-17' })).to.deep.equal({ kind: 'replay', name: 'r-17' });
  });

  it('an unknown stage kind is not believed', () => {
    expect(stageOf('crm.customer.v1', { 'source-system': 'crm', 'hub-stage': 'martian:x' })).to.deep.equal({ kind: 'source', name: 'crm' });
  });

  it('what the customer view derived, and what a flow handed to a sink before flows named themselves', () => {
    expect(stageOf('customer.golden.v1', { 'source-system': 'crm-hub' })).to.deep.equal({ kind: 'customer-view' });
    expect(stageOf('connector.erp-main.in', { 'source-system': 'crm' })).to.deep.equal({ kind: 'flow' });
  });

  it('a dead letter: who failed it and why, even though it keeps the stage of the record it was', () => {
    const stage = stageOf('dlq.flow.vip', {
      'source-system': 'crm',
      'hub-stage': 'flow:upstream',
      'dlq-stage': 'flow:vip',
      'dlq-flow-step': 'steps[1].validate',
      'dlq-error-code': 'FLOW_VALIDATION_FAILED',
      'dlq-error-message': 'idNumber 110105194912310021 has a bad checksum; call 13812345678',
      'dlq-error-retriable': 'false',
      'dlq-attempts': '3',
      'dlq-original-topic': 'crm.customer.v1',
      'dlq-failed-at': '2026-03-01T08:00:00.000Z',
    });
    expect(stage).to.deep.equal({
      kind: 'dead-letter',
      name: 'flow:vip',
      reason: {
        code: 'FLOW_VALIDATION_FAILED',
        message: 'idNumber 110105********0021 has a bad checksum; call 138****5678',
        retriable: false,
        attempts: 3,
        step: 'steps[1].validate',
        originalTopic: 'crm.customer.v1',
        failedAt: '2026-03-01T08:00:00.000Z',
      },
    });
    expect(describeStage(stage)).to.equal(
      'dead letter (flow:vip steps[1].validate) FLOW_VALIDATION_FAILED: idNumber 110105********0021 has a bad checksum; call 138****5678',
    );
  });

  it('describes the other stages in a few words', () => {
    expect(describeStage({ kind: 'source', name: 'crm' })).to.equal('source crm');
    expect(describeStage({ kind: 'customer-view' })).to.equal('customer view');
    expect(describeStage({ kind: 'flow' })).to.equal('flow');
  });
});
