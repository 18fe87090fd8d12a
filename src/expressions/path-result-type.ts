import jsonata from 'jsonata';
import type avro from 'avsc';
import { lookupField } from './avro-field-lookup.js';
import type { AstNode } from './jsonata-ast.js';

/**
 * The Avro type an expression gives when it is a plain path of field names into `inputType`
 * (`partsRequested` → array<crmhub.service.PartRequest>), else undefined. Lets a step that passes
 * on part of a record (split) tell later steps what they will read.
 */
export function pathResultType(text: string, inputType: avro.Type): avro.Type | undefined {
  let ast: AstNode;
  try {
    ast = jsonata(text).ast() as AstNode;
  } catch {
    return undefined;
  }
  if (ast.type !== 'path' || ast.group || ast.keepSingletonArray) return undefined;
  let current: avro.Type = inputType;
  for (const step of ast.steps ?? []) {
    if (step.type !== 'name' || typeof step.value !== 'string' || step.stages || step.focus || step.index) return undefined;
    const lookup = lookupField(current, step.value);
    if (lookup.kind !== 'found') return undefined;
    current = lookup.type;
  }
  return current;
}
