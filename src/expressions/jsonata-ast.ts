/**
 * The nodes of jsonata's own parse tree (`jsonata(text).ast()`), typed as far as crm-hub reads
 * them. jsonata's published typings describe only a few fields; these are the ones its parser
 * (version 2.x) produces for the constructs the expression checks and the fast path look at.
 */
export interface AstNode {
  type: string;
  value?: unknown;
  /** jsonata's position: the offset just after the node's token (not its start). */
  position?: number;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  expr?: AstNode;
  group?: { lhs: [AstNode, AstNode][]; position?: number };
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  body?: AstNode;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
  terms?: { expression: AstNode }[];
  focus?: string;
  index?: string;
  tuple?: boolean;
  keepArray?: boolean;
  keepSingletonArray?: boolean;
  consarray?: boolean;
  /** Set on nodes involved in parent (`%`) lookups. */
  ancestor?: unknown;
  seekingParent?: unknown;
}

const CHILD_KEYS = [
  'steps',
  'stages',
  'predicate',
  'expr',
  'lhs',
  'rhs',
  'expression',
  'expressions',
  'arguments',
  'procedure',
  'condition',
  'then',
  'else',
  'body',
  'pattern',
  'update',
  'delete',
] as const;

/**
 * Every node directly below `node`, whatever its kind: for checks that must see the whole tree
 * (every function call, every variable) without knowing each construct.
 */
export function childNodes(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  const add = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(add);
    else if (isNode(value)) children.push(value);
  };
  for (const key of CHILD_KEYS) add(node[key]);
  if (node.group) add(node.group.lhs);
  if (node.terms) node.terms.forEach((term) => add(term.expression));
  return children;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Where a node's text starts, from 0. jsonata records the end of a token; the start is found by
 * looking back the length of the token, allowing for the quotes of a quoted name or string.
 */
export function startOffset(node: AstNode, text: string, token: string): number {
  const end = node.position ?? 0;
  const plain = end - token.length;
  if (plain >= 0 && text.slice(plain, end) === token) return plain;
  const quoted = plain - 2;
  if (quoted >= 0 && text.slice(quoted + 1, end - 1) === token) return quoted;
  return Math.max(0, Math.min(plain, text.length));
}
