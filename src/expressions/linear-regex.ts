import { RE2JS } from 're2js';
import { HubError } from '../core/hub-error.js';

/** A pattern RE2 cannot run in linear time (a backreference, a lookahead): refused when the flow is validated. */
export class RegexUnsupportedError extends HubError {
  constructor(
    source: string,
    /** RE2's own words, e.g. "invalid escape sequence: `\\1`". */
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      'REGEX_UNSUPPORTED',
      `regular expression /${source}/ cannot run in linear time: ${reason} (backreferences and lookarounds are not supported)`,
      { retriable: false, cause },
    );
  }
}

/** Compiled patterns by flags and source: jsonata builds its regex engine each time a regex literal is evaluated. */
const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 1000;

function compile(source: string, flags: string): RE2JS {
  const cacheKey = `${flags}/${source}`;
  let re = compiled.get(cacheKey);
  if (re) return re;
  let options = 0;
  if (flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) options |= RE2JS.MULTILINE;
  if (flags.includes('s')) options |= RE2JS.DOTALL;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source), options);
  } catch (error) {
    throw new RegexUnsupportedError(
      source,
      (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, ''),
      error,
    );
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(cacheKey, re);
  return re;
}

/**
 * The part of RegExp that jsonata (regex literals, `$match`, `$replace`, `$split`, `$contains`)
 * and ajv (`pattern`) use, run by RE2 (re2js): matching takes time linear in the input whatever the
 * pattern, so `/^(a+)+$/` on a long string of `a`s answers at once instead of backtracking for
 * minutes. `exec` honours `lastIndex` with the `g` and `y` flags as RegExp does; indexes are UTF-16
 * units, as in JavaScript.
 */
export class LinearRegex {
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  readonly sticky: boolean;
  lastIndex = 0;
  private readonly re: RE2JS;

  /** Throws RegexUnsupportedError for a pattern RE2 does not accept. */
  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.global = this.flags.includes('g');
    this.sticky = this.flags.includes('y');
    this.re = compile(this.source, this.flags);
  }

  exec(text: string): RegExpExecArray | null {
    const keepsPosition = this.global || this.sticky;
    const from = keepsPosition ? this.lastIndex : 0;
    if (from > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.re.matcher(text);
    if (!matcher.find(from) || (this.sticky && matcher.start() !== from)) {
      if (keepsPosition) this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group++) groups.push(matcher.group(group) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input: text, groups: undefined }) as unknown as RegExpExecArray;
    if (keepsPosition) this.lastIndex = matcher.end();
    return result;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }

  /** As RegExp writes itself; ajv also tells its compiled patterns apart by it. */
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** ajv's `code.regExp`: JSON Schema `pattern`s of flow files run on RE2 too. */
export const linearRegExpEngine = Object.assign((pattern: string, flags: string) => new LinearRegex(pattern, flags), {
  code: 'new LinearRegex',
});

/** Whether RE2 accepts the pattern: undefined when it does, else why not. */
export function linearRegexProblem(source: string, flags = ''): string | undefined {
  try {
    compile(source, flags);
    return undefined;
  } catch (error) {
    return error instanceof RegexUnsupportedError ? error.reason : String(error);
  }
}
