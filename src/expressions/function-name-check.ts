import { closestNames } from '../core/closest-names.js';
import { DOMAIN_FUNCTIONS } from './domain-functions.js';
import type { ExpressionProblem } from './expression-problem.js';
import { type AstNode, childNodes, startOffset } from './jsonata-ast.js';
import { JSONATA_BUILTIN_FUNCTIONS } from './jsonata-builtin-names.js';

const KNOWN_FUNCTIONS: readonly string[] = [...JSONATA_BUILTIN_FUNCTIONS, ...Object.keys(DOMAIN_FUNCTIONS)];

/**
 * Calls of functions nobody defines (`$segmnt(x)`: unknown function $segmnt; did you mean
 * $segment?) and calls of domain functions with the wrong number of arguments. Names the
 * expression binds itself (`$f := function(...)`, lambda parameters) count as defined wherever
 * they appear, and so do `extraNames` (variables the caller binds at evaluation).
 */
export function functionNameProblems(ast: AstNode, text: string, extraNames: readonly string[] = []): ExpressionProblem[] {
  const nodes = allNodes(ast);
  const bound = new Set(extraNames);
  for (const node of nodes) {
    if (node.type === 'bind' && !Array.isArray(node.lhs) && node.lhs?.type === 'variable') bound.add(String(node.lhs.value));
    if (node.type === 'lambda') for (const parameter of node.arguments ?? []) bound.add(String(parameter.value));
  }
  const problems: ExpressionProblem[] = [];
  for (const node of nodes) {
    if ((node.type !== 'function' && node.type !== 'partial') || node.procedure?.type !== 'variable') continue;
    const name = String(node.procedure.value);
    // A call jsonata made up itself (`a ?? b` becomes $exists(a)) has no position and is always known.
    if (bound.has(name) || node.procedure.position === undefined) continue;
    const offset = startOffset(node.procedure, text, `$${name}`);
    if (!KNOWN_FUNCTIONS.includes(name)) {
      const suggestion = closestNames(name, KNOWN_FUNCTIONS, 1)[0];
      problems.push({
        code: 'EXPRESSION_INVALID',
        message: `unknown function $${name}${suggestion ? `; did you mean $${suggestion}?` : ''}`,
        offset,
      });
      continue;
    }
    const domain = Object.hasOwn(DOMAIN_FUNCTIONS, name) ? DOMAIN_FUNCTIONS[name] : undefined;
    const count = node.arguments?.length ?? 0;
    if (domain && node.type === 'function' && (count < domain.minArgs || count > domain.maxArgs)) {
      const expected = domain.minArgs === domain.maxArgs ? `${domain.minArgs}` : `${domain.minArgs} or ${domain.maxArgs}`;
      problems.push({
        code: 'EXPRESSION_INVALID',
        message: `$${name} takes ${expected} argument${domain.maxArgs === 1 ? '' : 's'}, got ${count}`,
        offset,
      });
    }
  }
  return problems;
}

/** Every node once, although jsonata shares some (`a ?: b` uses the node of `a` twice). */
function allNodes(root: AstNode): AstNode[] {
  const seen = new Set<AstNode>();
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop() as AstNode;
    if (seen.has(node)) continue;
    seen.add(node);
    pending.push(...childNodes(node));
  }
  return [...seen];
}
