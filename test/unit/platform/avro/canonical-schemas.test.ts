import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../../../src/platform/infra/project-root.js';

type Json = Record<string, unknown>;

const SCHEMA_DIR = path.join(projectRoot(), 'schemas');

async function schemaFiles(): Promise<{ file: string; json: Json }[]> {
  const entries = (await fs.readdir(SCHEMA_DIR, { recursive: true })).filter((entry) => entry.endsWith('.avsc')).sort();
  return Promise.all(
    entries.map(async (file) => ({ file, json: JSON.parse(await fs.readFile(path.join(SCHEMA_DIR, file), 'utf8')) as Json })),
  );
}

/** Calls `visit` for every record field and named type in a schema, with a readable location. */
function walk(schema: unknown, where: string, visit: (node: Json, kind: 'field' | 'named', where: string) => void): void {
  if (Array.isArray(schema)) return schema.forEach((branch) => walk(branch, where, visit));
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Json;
  if (typeof node.name === 'string' && ['record', 'enum', 'fixed'].includes(node.type as string))
    visit(node, 'named', `${where}<${node.name}>`);
  if (Array.isArray(node.fields)) {
    for (const field of node.fields as Json[]) {
      visit(field, 'field', `${where}.${String(field.name)}`);
      walk(field.type, `${where}.${String(field.name)}`, visit);
    }
  }
  if (node.type === 'array') walk(node.items, `${where}[]`, visit);
  if (node.type === 'map') walk(node.values, `${where}{}`, visit);
  if (typeof node.type === 'object') walk(node.type, where, visit);
}

describe('canonical schema conventions', () => {
  let files: { file: string; json: Json }[];
  before(async () => {
    files = await schemaFiles();
  });

  it('documents every named type and every field', () => {
    const undocumented: string[] = [];
    for (const { file, json } of files) {
      walk(json, file, (node, _kind, where) => {
        if (typeof node.doc !== 'string' || node.doc.trim() === '') undocumented.push(where);
      });
    }
    expect(undocumented).to.deep.equal([]);
  });

  it('puts every name in a crmhub.* namespace', () => {
    for (const { file, json } of files) expect(json.namespace, file).to.match(/^crmhub\.[a-z]+$/);
  });

  it('makes nullable fields ["null", T] with default null', () => {
    const wrong: string[] = [];
    for (const { file, json } of files) {
      walk(json, file, (node, kind, where) => {
        if (kind === 'field' && Array.isArray(node.type) && node.type.includes('null')) {
          if (node.type[0] !== 'null' || node.type.length !== 2 || node.default !== null) wrong.push(where);
        }
      });
    }
    expect(wrong).to.deep.equal([]);
  });

  it('starts every entity record with meta: crmhub.common.EventMetadata', () => {
    const entities = files.filter(({ file }) => !file.startsWith('common'));
    // The six source entities (with the SCM's part reservations), the nine records the shipped flows derive (flows/), the ERP cross-reference the erp sink brings back and the six of the single customer view.
    expect(entities).to.have.length(22);
    for (const { file, json } of entities)
      expect((json.fields as Json[])[0], file).to.deep.include({ name: 'meta', type: 'crmhub.common.EventMetadata' });
  });

  it('marks pii only with the value true', () => {
    for (const { file, json } of files) {
      walk(json, file, (node, _kind, where) => {
        if ('pii' in node) expect(node.pii, where).to.equal(true);
      });
    }
  });
});
