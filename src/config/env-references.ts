/**
 * `${NAME}` references in a config file, resolved from the environment after the YAML is parsed so
 * that every position still refers to the file as written. `$${` stands for a literal `${`.
 *
 * `${X}` is not valid YAML inside a flow collection (`auth: { token: ${X} }`: braces are flow
 * indicators there), so before parsing the braces of each reference are swapped for two
 * private-use characters. The text keeps its length, so every offset the parser reports is right.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
}

export interface EnvResolution {
  value: string;
  problems: EnvReferenceProblem[];
  /** Set when the whole string was one reference: its value then comes entirely from that variable. */
  wholeReference?: string;
  /** The value of each variable put in, for the secret registry: whatever the field, an `${ENV}` value is taken for a secret. */
  substituted: string[];
}

const TOKEN = new RegExp(`\\$\\$${OPEN}([^${CLOSE}]*)${CLOSE}|\\$${OPEN}([^${CLOSE}]*)${CLOSE}|\\$\\$\\{|\\$\\{`, 'g');

/**
 * Resolves the references in one masked string. An unset or empty variable is a problem, never an
 * empty string: an unset secret must stop the hub, not turn into a blank password.
 */
export function resolveEnvReferences(masked: string, env: NodeJS.ProcessEnv): EnvResolution {
  const problems: EnvReferenceProblem[] = [];
  let references = 0;
  let lastName: string | undefined;
  const substituted: string[] = [];
  const value = masked.replace(TOKEN, (match, escaped: string | undefined, name: string | undefined) => {
    if (escaped !== undefined) return `\${${escaped}}`;
    if (match === '$${') return '${';
    if (name === undefined) {
      problems.push({ kind: 'invalid', reference: '${' });
      return match;
    }
    references++;
    if (!VARIABLE_NAME.test(name)) {
      problems.push({ kind: 'invalid', reference: `\${${name}}` });
      return `\${${name}}`;
    }
    lastName = name;
    const found = env[name];
    if (found === undefined) problems.push({ kind: 'missing', reference: name });
    else if (found === '') problems.push({ kind: 'empty', reference: name });
    else substituted.push(found);
    return found ?? '';
  });
  const whole = references === 1 && lastName !== undefined && masked === maskedReference(lastName);
  return whole ? { value, problems, wholeReference: lastName, substituted } : { value, problems, substituted };
}

export function describeEnvProblem(problem: EnvReferenceProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `environment variable ${problem.reference} is not set`;
    case 'empty':
      return `environment variable ${problem.reference} is empty`;
    case 'invalid':
      return `${problem.reference} is not a valid reference: write \${NAME} with letters, digits and _, or $\${ for a literal \${`;
  }
}
