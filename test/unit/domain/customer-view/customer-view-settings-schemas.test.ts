import { expect } from 'chai';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import { cronScheduleProblem } from '../../../../src/platform/config/cron-schedule.js';
import { renewalSettingsSchema } from '../../../../src/domain/customer-view/renewals/renewal-settings-schema.js';
import { riskSettingsSchema } from '../../../../src/domain/customer-view/risk/risk-settings-schema.js';
import { DEFAULT_SEGMENT_RULES } from '../../../../src/domain/customer-view/segments/default-segment-rules.js';
import { compileSegmentRules } from '../../../../src/domain/customer-view/segments/segment-rules.js';
import { segmentSettingsSchema } from '../../../../src/domain/customer-view/segments/segment-settings-schema.js';

const SCHEMAS = { risk: riskSettingsSchema, segments: segmentSettingsSchema, renewals: renewalSettingsSchema };

/** Paths of properties without a description, anywhere in the schema. */
function undescribed(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as { properties?: Record<string, unknown>; items?: unknown };
  const own = Object.entries(node.properties ?? {}).flatMap(([name, property]) => [
    ...(typeof (property as { description?: unknown }).description === 'string' ? [] : [`${path}.${name}`]),
    ...undescribed(property, `${path}.${name}`),
  ]);
  return [...own, ...undescribed(node.items, `${path}[]`)];
}

function validated(schema: object, data: unknown): { valid: boolean; data: unknown } {
  const copy = structuredClone(data);
  const valid = compileConfigSchema(schema)(copy);
  return { valid, data: copy };
}

describe('customer view settings schemas', () => {
  it('describe every property, for the docs', () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) expect(undescribed(schema), name).to.deep.equal([]);
  });

  it('fill in their defaults from an empty section', () => {
    expect(validated(riskSettingsSchema, {})).to.deep.equal({ valid: true, data: { thresholds: { watch: 0.6, high: 1.0 } } });
    expect(validated(riskSettingsSchema, { thresholds: { high: 2 } })).to.deep.equal({
      valid: true,
      data: { thresholds: { watch: 0.6, high: 2 } },
    });
    expect(validated(renewalSettingsSchema, {})).to.deep.equal({
      valid: true,
      data: { schedule: '0 0 6 * * *', withinDays: 60, topic: 'policy.renewal-candidate.v1' },
    });
    expect(validated(segmentSettingsSchema, {})).to.deep.equal({
      valid: true,
      data: { rules: structuredClone(DEFAULT_SEGMENT_RULES), default: 'UNCLASSIFIED' },
    });
  });

  it('have defaults that work: the cron schedule is valid and the default rules compile', () => {
    expect(cronScheduleProblem(renewalSettingsSchema.properties.schedule.default)).to.equal(undefined);
    const { data } = validated(segmentSettingsSchema, {});
    expect(compileSegmentRules(data as Parameters<typeof compileSegmentRules>[0]).ok).to.equal(true);
  });

  it('refuse values of the wrong kind and unknown keys', () => {
    expect(validated(riskSettingsSchema, { thresholds: { watch: -1 } }).valid).to.equal(false);
    expect(validated(riskSettingsSchema, { threshold: {} }).valid).to.equal(false);
    expect(validated(renewalSettingsSchema, { withinDays: 1.5 }).valid).to.equal(false);
    expect(validated(renewalSettingsSchema, { topic: 'no spaces allowed' }).valid).to.equal(false);
    expect(validated(segmentSettingsSchema, { rules: [{ segment: 'VIP', when: 'true' }] }).valid).to.equal(false);
    expect(validated(segmentSettingsSchema, { rules: [{ segment: 'GOLD' }] }).valid).to.equal(false);
    expect(validated(segmentSettingsSchema, { rules: [{ segment: 'GOLD', when: 'annualPremium > 1' }], default: 'BRONZE' }).valid).to.equal(
      true,
    );
  });
});
