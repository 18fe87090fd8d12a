/**
 * `${NAME}` references in a config file, resolved from the environment after the YAML is parsed so
 * that every position still refers to the file as written. `$${` stands for a literal `${`.
 *
 * As in a shell, `${NAME:-default}` takes `default` when NAME is unset or empty (a file then
 * validates and runs as shipped), and `${NAME:?why}` must be set when the hub starts, with `why`
 * said if it is not. `crm-hub validate` accepts a `${NAME:?why}` it cannot resolve: it is the form
 * for secrets, which a file must never carry as a default and which a CI job checking the files
 * does not have. A plain `${NAME}` must be set for both.
 *
 * `${X}` is not valid YAML inside a flow collection (`auth: { token: ${X} }`: braces are flow
 * indicators there), so before parsing the braces of each reference are swapped for two
 * private-use characters. The text keeps its length, so every offset the parser reports is right.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
/** `NAME`, `NAME:-default` or `NAME:?why`. */
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)(.*))?$/s;

/** The text to hand to the YAML parser. */
export function maskEnvReferences(text: string): string {
  return text.replace(/\$\{([^{}\r\n]*)\}/g, (_match, inner: string) => `$${OPEN}${inner}${CLOSE}`);
}

/** True when the file itself uses the characters masking relies on (they would be misread). */
export function containsMaskCharacters(text: string): boolean {
  return text.includes(OPEN) || text.includes(CLOSE);
}

/** A key or other text shown as written: masks undone, nothing resolved. */
export function unmaskEnvReferences(text: string): string {
  return text.replaceAll(OPEN, '{').replaceAll(CLOSE, '}');
}

/** How a reference looks in the masked text, to find where it sits in the source. */
export function maskedReference(name: string): string {
  return `$${OPEN}${name}${CLOSE}`;
}

export interface EnvReferenceProblem {
  kind: 'missing' | 'empty' | 'invalid';
  /** The variable name, or the reference text as written when it is not a valid name. */
  reference: string;
  /** What is between the braces as written (`NAME:?why`), to find the reference in the file. */
  written: string;
  /** The `why` of `${NAME:?why}`. */
  reason?: string;
}

export interface EnvResolutionOptions {
  /**
   * `crm-hub validate`: a `${NAME:?why}` that is not set is not a problem (it is needed when the
   * hub starts, not to check the file); it is reported in `deferred` instead.
   */
  deferRequired?: boolean;
}

export interface EnvResolution {
  value: string;
  problems: EnvReferenceProblem[];
  /** Set when the whole string was one reference: its value then comes entirely from that variable. */
  wholeReference?: string;
  /** The value of each variable put in, for the secret registry: whatever the field, an `${ENV}` value is taken for a secret. */
  substituted: string[];
  /** The `${NAME:?why}` variables left unresolved because the options defer them: the value is then not known. */
  deferred: string[];
}

const TOKEN = new RegExp(`\\$\\$${OPEN}([^${CLOSE}]*)${CLOSE}|\\$${OPEN}([^${CLOSE}]*)${CLOSE}|\\$\\$\\{|\\$\\{`, 'g');

/**
 * Resolves the references in one masked string. An unset or empty variable is a problem, never an
 * empty string: an unset secret must stop the hub, not turn into a blank password. Only a default
 * written in the file (`${NAME:-default}`) stands in for it.
 */
export function resolveEnvReferences(masked: string, env: NodeJS.ProcessEnv, options: EnvResolutionOptions = {}): EnvResolution {
  const problems: EnvReferenceProblem[] = [];
  let references = 0;
  let lastName: string | undefined;
  let lastWritten: string | undefined;
  const substituted: string[] = [];
  const deferred: string[] = [];
  const value = masked.replace(TOKEN, (match, escaped: string | undefined, inner: string | undefined) => {
    if (escaped !== undefined) return `\${${escaped}}`;
    if (match === '$${') return '${';
    if (inner === undefined) {
      problems.push({ kind: 'invalid', reference: '${', written: '' });
      return match;
    }
    references++;
    const parsed = REFERENCE.exec(inner);
    if (!parsed) {
      problems.push({ kind: 'invalid', reference: `\${${inner}}`, written: inner });
      return `\${${inner}}`;
    }
    const [, name, operator, operand] = parsed as unknown as [string, string, string | undefined, string | undefined];
    lastName = name;
    lastWritten = inner;
    const found = env[name];
    if (found !== undefined && found !== '') {
      substituted.push(found);
      return found;
    }
    if (operator === ':-') return operand ?? '';
    if (operator === ':?' && options.deferRequired) {
      deferred.push(name);
      return '';
    }
    problems.push({
      kind: found === undefined ? 'missing' : 'empty',
      reference: name,
      written: inner,
      ...(operator === ':?' && operand ? { reason: operand } : {}),
    });
    return '';
  });
  const whole = references === 1 && lastName !== undefined && lastWritten !== undefined && masked === maskedReference(lastWritten);
  return whole ? { value, problems, wholeReference: lastName, substituted, deferred } : { value, problems, substituted, deferred };
}

export function describeEnvProblem(problem: EnvReferenceProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `environment variable ${problem.reference} is not set${problem.reason ? ` (${problem.reason})` : ''}`;
    case 'empty':
      return `environment variable ${problem.reference} is empty${problem.reason ? ` (${problem.reason})` : ''}`;
    case 'invalid':
      return `${problem.reference} is not a valid reference: write \${NAME}, \${NAME:-default} or \${NAME:?why} with a name of letters, digits and _, or $\${ for a literal \${`;
  }
}
