import { RecordDecodeError, type RecordOrigin } from './record-decode-error.js';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body. */
const MAGIC_BYTE = 0;
export const WIRE_HEADER_SIZE = 5;

export function encodeWireFormat(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(WIRE_HEADER_SIZE);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

export function decodeWireFormat(bytes: Buffer | null, origin?: RecordOrigin): { schemaId: number; body: Buffer } {
  if (bytes === null) throw new RecordDecodeError('WIRE_FORMAT_INVALID', origin, 'value is null (a tombstone), not an Avro record');
  if (bytes.length < WIRE_HEADER_SIZE) {
    throw new RecordDecodeError(
      'WIRE_FORMAT_INVALID',
      origin,
      `value is ${bytes.length} bytes, shorter than the 5-byte Confluent wire-format header`,
    );
  }
  const magic = bytes.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    const hint = magic === 0x7b ? ' (it starts with "{": JSON, not Avro?)' : '';
    throw new RecordDecodeError(
      'WIRE_FORMAT_INVALID',
      origin,
      `first byte is 0x${magic.toString(16).padStart(2, '0')}, not the Confluent magic byte 0x00${hint}`,
    );
  }
  return { schemaId: bytes.readUInt32BE(1), body: bytes.subarray(WIRE_HEADER_SIZE) };
}
