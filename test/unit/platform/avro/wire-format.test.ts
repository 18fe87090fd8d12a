import { expect } from 'chai';
import { decodeWireFormat, encodeWireFormat } from '../../../../src/platform/avro/wire-format.js';
import { RecordDecodeError } from '../../../../src/platform/avro/record-decode-error.js';

const origin = { topic: 'crm.customer.v1', partition: 2, offset: '1534' };

function decodeError(bytes: Buffer | null): RecordDecodeError {
  try {
    decodeWireFormat(bytes, origin);
  } catch (error) {
    return error as RecordDecodeError;
  }
  throw new Error('expected a RecordDecodeError');
}

describe('Confluent wire format', () => {
  it('writes magic byte 0 and the schema id big-endian before the body', () => {
    const bytes = encodeWireFormat(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect([...bytes]).to.deep.equal([0, 1, 2, 3, 4, 0xaa, 0xbb]);
    expect(decodeWireFormat(bytes)).to.deep.equal({ schemaId: 0x01020304, body: Buffer.from([0xaa, 0xbb]) });
  });

  it('keeps schema ids above 2^31 unsigned', () => {
    expect(decodeWireFormat(encodeWireFormat(0xfffffffe, Buffer.alloc(0))).schemaId).to.equal(0xfffffffe);
  });

  it('rejects bytes that are too short, naming topic, partition and offset', () => {
    const error = decodeError(Buffer.from([0, 0, 1]));
    expect(error).to.be.instanceOf(RecordDecodeError);
    expect(error.code).to.equal('WIRE_FORMAT_INVALID');
    expect(error.retriable).to.equal(false);
    expect(error.message).to.equal('crm.customer.v1[2]@1534: value is 3 bytes, shorter than the 5-byte Confluent wire-format header');
  });

  it('rejects a wrong magic byte and recognises JSON sent by mistake', () => {
    const error = decodeError(Buffer.from('{"customerId":"C1"}'));
    expect(error.code).to.equal('WIRE_FORMAT_INVALID');
    expect(error.message).to.contain('0x7b').and.to.contain('JSON, not Avro');
    expect(error.origin).to.deep.equal(origin);
  });

  it('rejects a tombstone (null value)', () => {
    expect(decodeError(null).message).to.contain('tombstone');
  });
});
