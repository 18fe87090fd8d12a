import { expect } from 'chai';
import { createJsonSchemaAjv } from '../../../../src/platform/validation/json-schema-ajv.js';
import { formatDataPath, schemaIssues } from '../../../../src/platform/validation/schema-issues.js';

const ajv = createJsonSchemaAjv({ strictSchemas: false });

/** The issues of `data` against `schema`, as `path: message`. */
function issuesOf(schema: object, data: unknown): string[] {
  const validate = ajv.compile(schema);
  validate(data);
  return schemaIssues(validate.errors, data).map((issue) => `${formatDataPath(issue.path) || '(root)'}: ${issue.message}`);
}

describe('schema issues', () => {
  const person = {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'phones'],
    properties: {
      name: { type: 'string' },
      age: { type: ['integer', 'null'], minimum: 0 },
      kind: { enum: ['PERSON', 'COMPANY'] },
      phones: { type: 'array', items: { type: 'object', required: ['number'], properties: { number: { type: 'string' } } } },
      tags: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
    },
  };

  it('names every problem by its path, in words that never quote the value', () => {
    expect(issuesOf(person, { name: 7, age: -1, kind: 'SECRET-VALUE', phones: [{}, { number: 5 }], tags: { Bad: 1 } })).to.deep.equal([
      'name: must be string',
      'age: must be >= 0',
      'kind: must be one of "PERSON", "COMPANY"',
      'phones[0].number: is required',
      'phones[1].number: must be string',
      'tags.Bad: name must match pattern "^[a-z]+$"',
    ]);
  });

  it('tells a misspelt key "did you mean" once, without also calling the key it meant missing', () => {
    expect(issuesOf(person, { nam: 'x', phones: [] })).to.deep.equal(['nam: unknown key "nam"; did you mean "name"?']);
    expect(issuesOf(person, { name: 'x', phones: [], zzz: 1 })).to.deep.equal([
      'zzz: unknown key "zzz"; known keys: name, age, kind, phones, tags',
    ]);
  });

  it('reports only the branch of an alternative that fits the value, or says none does', () => {
    const target = {
      type: 'object',
      oneOf: [
        { type: 'object', required: ['kind', 'url'], properties: { kind: { const: 'http' }, url: { type: 'string', format: 'uri' } } },
        { type: 'object', required: ['kind', 'topic'], properties: { kind: { const: 'kafka' }, topic: { type: 'string' } } },
      ],
    };
    expect(issuesOf(target, { kind: 'http', url: 'not a uri' })).to.deep.equal(['url: must match format "uri"']);
    expect(issuesOf(target, { kind: 'ftp' })).to.deep.equal(['(root): matches none of the allowed forms']);
    expect(issuesOf(target, 'text')).to.deep.equal(['(root): must be object']);
  });

  it('tells an array position from a key that reads as a number, and quotes keys that are not plain words', () => {
    const schema = {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'string' } }, map: { type: 'object', additionalProperties: { type: 'string' } } },
    };
    const [position, key, quoted] = schemaIssues(
      (() => {
        const validate = ajv.compile(schema);
        validate({ list: [1], map: { '0': 1, 'x.y': 2 } });
        return validate.errors;
      })(),
      { list: [1], map: { '0': 1, 'x.y': 2 } },
    ).map((issue) => issue.path);
    expect([position, key, quoted]).to.deep.equal([
      ['list', 0],
      ['map', '0'],
      ['map', 'x.y'],
    ]);
    expect(formatDataPath(['map', 'x.y', 0])).to.equal('map["x.y"][0]');
  });
});

describe('createJsonSchemaAjv', () => {
  it('refuses an unknown keyword only when strict, and coerces text only when asked', () => {
    const misspelt = { type: 'object', requierd: ['a'] };
    expect(() => createJsonSchemaAjv({ strictSchemas: true }).compile(misspelt)).to.throw(/requierd/);
    expect(createJsonSchemaAjv({ strictSchemas: false }).compile(misspelt)({})).to.equal(true);
    const limit = { type: 'object', properties: { limit: { type: 'integer', default: 5 } } };
    const query: Record<string, unknown> = { limit: '7' };
    expect(createJsonSchemaAjv({ strictSchemas: false, coerceTypes: true }).compile(limit)(query)).to.equal(true);
    expect(query.limit).to.equal(7);
    const withDefault: Record<string, unknown> = {};
    createJsonSchemaAjv({ strictSchemas: false, useDefaults: true }).compile(limit)(withDefault);
    expect(withDefault.limit).to.equal(5);
    expect(createJsonSchemaAjv({ strictSchemas: false }).compile(limit)({ limit: '7' })).to.equal(false);
  });

  it('knows the formats it is given, and may compile a schema with an $id twice', () => {
    const date = { $id: 'https://example.com/day', type: 'string', format: 'date' };
    const ajvWithDates = createJsonSchemaAjv({ strictSchemas: true, formats: ['date'] });
    expect(ajvWithDates.compile(date)('2026-02-30')).to.equal(false);
    expect(ajvWithDates.compile({ ...date })('2026-02-28')).to.equal(true);
    expect(() => ajvWithDates.compile({ type: 'string', format: 'email' })).to.throw(/unknown format/);
  });
});
