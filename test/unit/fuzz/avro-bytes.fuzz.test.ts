import { expect } from 'chai';
import fc from 'fast-check';
import { AvroSerde, type DecodedRecord } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { HubError } from '../../../src/core/hub-error.js';
import { sampleRecord } from '../../fixtures/sample-records.js';
import { parseAvroSchema } from '../../../src/platform/avro/avro-type-factory.js';
import { fuzzInput, type FuzzVerdict } from './fuzz-report.js';

describe('fuzzing: Avro bytes', function () {
  this.timeout(120_000);
  let registry: InMemorySchemaRegistry;
  let serde: AvroSerde;
  let encoded: Buffer[];

  before(async () => {
    const catalog = await SchemaCatalog.load();
    registry = new InMemorySchemaRegistry();
    serde = new AvroSerde(registry);
    encoded = await Promise.all(
      catalog.topics().map(({ topic, record }) => serde.encode(valueSubject(topic), catalog.registrySchema(record), sampleRecord(topic))),
    );
  });

  /**
   * Decodes the bytes: a record that decodes must be a valid value of its writer's schema that
   * encodes back to the same value; bytes that do not must be refused with a coded error naming the record.
   */
  async function check(bytes: Buffer): Promise<void> {
    await fuzzInput('Avro records', async (): Promise<FuzzVerdict> => {
      let decoded: DecodedRecord;
      try {
        decoded = await serde.decode(bytes, { topic: 'fuzzed.v1', partition: 0, offset: '1' });
      } catch (error) {
        expect(error, String(error)).to.be.instanceOf(HubError);
        expect((error as HubError).code).to.match(/^[A-Z_]+$/);
        expect((error as HubError).message).to.contain('fuzzed.v1');
        return 'rejected';
      }
      const schema = await registry.schemaById(decoded.schemaId);
      const writer = parseAvroSchema(schema);
      expect(writer.isValid(decoded.value), `decoded value is not valid for schema id ${decoded.schemaId}`).to.equal(true);
      const again = await serde.decode(await serde.encode('fuzzed.round-trip-value', schema, decoded.value));
      expect(again.schemaId).to.equal(decoded.schemaId);
      expect(again.value).to.deep.equal(decoded.value);
      return 'accepted';
    });
  }

  it('decodes mutated canonical records or rejects them with a coded error naming where they came from', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(
          fc.record({
            at: fc.nat(),
            kind: fc.constantFrom('flip', 'cut', 'insert', 'huge-length'),
            byte: fc.integer({ min: 0, max: 255 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (which, edits) => {
          let bytes = Buffer.from(encoded[which % encoded.length]!);
          for (const edit of edits) {
            const at = edit.at % Math.max(bytes.length, 1);
            if (edit.kind === 'flip') bytes[at] = edit.byte;
            else if (edit.kind === 'cut') bytes = bytes.subarray(0, at);
            else if (edit.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([edit.byte]), bytes.subarray(at)]);
            // A zig-zag varint claiming an enormous string or array length.
            else
              bytes = Buffer.concat([
                bytes.subarray(0, Math.max(at, 5)),
                Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]),
                bytes.subarray(Math.max(at, 5)),
              ]);
          }
          await check(bytes);
        },
      ),
      { seed: 20261123, numRuns: 2000 },
    );
  });

  it('rejects arbitrary bytes, empty values and unknown schema ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => check(Buffer.from(bytes))),
      { seed: 5, numRuns: 1000 },
    );
    await check(Buffer.alloc(0));
  });
});
