import { expect } from 'chai';
import fc from 'fast-check';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { HubError } from '../../../src/core/hub-error.js';
import { sampleRecord } from '../../fixtures/sample-records.js';
import { noteFuzzInput } from './fuzz-report.js';

describe('fuzzing: Avro bytes', function () {
  this.timeout(120_000);
  let serde: AvroSerde;
  let encoded: Buffer[];

  before(async () => {
    const catalog = await SchemaCatalog.load();
    serde = new AvroSerde(new InMemorySchemaRegistry());
    encoded = await Promise.all(
      catalog.topics().map(({ topic, record }) => serde.encode(valueSubject(topic), catalog.registrySchema(record), sampleRecord(topic))),
    );
  });

  async function check(bytes: Buffer): Promise<void> {
    try {
      await serde.decode(bytes, { topic: 'fuzzed.v1', partition: 0, offset: '1' });
      noteFuzzInput('Avro records', 'accepted');
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(HubError);
      expect((error as HubError).code).to.match(/^[A-Z_]+$/);
      expect((error as HubError).message).to.contain('fuzzed.v1');
      noteFuzzInput('Avro records', 'rejected');
    }
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
