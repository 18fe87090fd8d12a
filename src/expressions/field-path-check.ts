import type avro from 'avsc';
import { itemType, lookupField, unknownFieldMessage } from './avro-field-lookup.js';
import type { ExpressionProblem } from './expression-problem.js';
import { type AstNode, childNodes, startOffset } from './jsonata-ast.js';

/**
 * Field names the record does not have, in every path read from the input record — nested
 * records and arrays included (`phones[type = "MOBILE"].numbr` is checked against
 * crmhub.common.Phone). Paths that start at a `$` variable, and everything inside constructs whose
 * context cannot be known here (lambdas, transforms, wildcards, parent steps, focus bindings),
 * are not checked: a missed typo is better than a false alarm on a valid expression.
 */
export function fieldPathProblems(ast: AstNode, text: string, inputType: avro.Type): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  const reported = new Set<AstNode>();
  const report = (step: AstNode, name: string, lookup: Parameters<typeof unknownFieldMessage>[1]): void => {
    // jsonata shares nodes (`a ?: b` uses `a` twice); each is reported once.
    if (reported.has(step)) return;
    reported.add(step);
    problems.push({ code: 'FIELD_UNKNOWN', message: unknownFieldMessage(name, lookup), offset: startOffset(step, text, name) });
  };
  visit(ast, inputType, report);
  return problems;
}

type Report = (step: AstNode, name: string, lookup: { kind: 'missing'; record: string; suggestions: string[] }) => void;

/** Checks `node`, evaluated with values of `context` (undefined: unknown) as its input. */
function visit(node: AstNode, context: avro.Type | undefined, report: Report): void {
  switch (node.type) {
    case 'path':
      visitPath(node, context, report);
      return;
    case 'name':
      visitPath({ type: 'path', steps: [node] }, context, report);
      return;
    case 'lambda':
    case 'transform':
    case 'parent':
    case 'wildcard':
    case 'descendant':
      // Their input is not the value at hand (a lambda's is its caller's, a transform's each matched node).
      childNodes(node).forEach((child) => visit(child, undefined, report));
      return;
    default: {
      // Everything else (operators, conditions, blocks, function arguments, object constructors)
      // evaluates its parts against the same input; a predicate or grouping on the result of
      // such a node sees values of unknown type.
      const own = { ...node, predicate: undefined, group: undefined };
      childNodes(own).forEach((child) => visit(child, context, report));
      node.predicate?.forEach((stage) => stage.expr && visit(stage.expr, undefined, report));
      node.group?.lhs.forEach((pair) => pair.forEach((part) => visit(part, undefined, report)));
    }
  }
}

function visitPath(path: AstNode, context: avro.Type | undefined, report: Report): void {
  let current = context;
  for (const [index, step] of (path.steps ?? []).entries()) {
    if (index === 0 && step.type === 'variable') {
      // `$x.a`, `$.a`, `$$.a`: the variable's type is not known here.
      current = undefined;
    } else if (step.type === 'name' && typeof step.value === 'string') {
      if (current !== undefined) {
        const lookup = lookupField(current, step.value);
        if (lookup.kind === 'missing') report(step, step.value, lookup);
        current = lookup.kind === 'found' ? lookup.type : undefined;
      }
    } else {
      // A block, function call, object constructor... as a step: evaluated once per value reached so far.
      const stepContext = current === undefined ? undefined : itemType(current);
      visit({ ...step, stages: undefined }, stepContext, report);
      current = undefined;
    }
    // Predicates (`phones[type = "MOBILE"]`) are evaluated against each item the step produced.
    const itemContext = current === undefined ? undefined : itemType(current);
    step.stages?.forEach((stage) => stage.expr && visit(stage.expr, itemContext, report));
    // Focus and index bindings turn the rest of the path into tuple streams whose context differs.
    if (step.focus !== undefined || step.index !== undefined || step.tuple) current = undefined;
  }
  const resultContext = current === undefined ? undefined : itemType(current);
  path.group?.lhs.forEach((pair) => pair.forEach((part) => visit(part, resultContext, report)));
}
