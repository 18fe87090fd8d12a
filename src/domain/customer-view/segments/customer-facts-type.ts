import type avro from 'avsc';
import { parseAvroSchema } from '../../../platform/avro/avro-type-factory.js';

let factsType: avro.Type | undefined;

/**
 * CustomerFacts as an Avro record type. It is never encoded: the expression compiler checks the
 * field names of segment rules against it, so that `annualPremum >= 50000` is reported when the
 * config is loaded instead of silently never matching.
 */
export function customerFactsType(): avro.Type {
  factsType ??= parseAvroSchema({
    type: 'record',
    name: 'CustomerFacts',
    namespace: 'crmhub.customerview',
    fields: [
      { name: 'annualPremium', type: 'double' },
      { name: 'tenureYears', type: 'double' },
      { name: 'productsHeld', type: 'int' },
      { name: 'productLines', type: { type: 'array', items: 'string' } },
      { name: 'claimsCount', type: 'int' },
      { name: 'claimsPaid', type: 'double' },
      { name: 'lossRatio', type: ['null', 'double'] },
    ],
  });
  return factsType;
}
