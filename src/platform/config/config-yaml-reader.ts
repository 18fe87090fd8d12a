import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { ConfigIssue, ConfigIssueCode, ConfigPath } from './config-issue.js';
import { formatConfigPath } from './config-issue.js';
import {
  containsMaskCharacters,
  describeEnvProblem,
  maskedReference,
  maskEnvReferences,
  resolveEnvReferences,
  unmaskEnvReferences,
  type EnvResolutionOptions,
} from './env-references.js';

export interface TextPosition {
  line: number;
  column: number;
}

/**
 * A YAML config file as plain data with `${ENV}` resolved, plus where each key and value sits in
 * the file, so that problems found later (by a schema, a catalog, a cron parser) can be placed.
 */
export interface ConfigYaml {
  file: string;
  /** Plain data; `undefined` when the document could not be read (see `issues`). */
  value: unknown;
  /** Syntax and `${ENV}` problems. */
  issues: ConfigIssue[];
  /**
   * The `${ENV}` values put into the file, but for plain numbers and switches: whatever the field (a
   * URL, a header map, a query), each is taken for a secret. The caller registers them with the
   * secret registry before anything can log or show them.
   */
  envSecrets: string[];
  /** Where the setting at `path` is written: its key, or its value; the nearest written ancestor when it is not written itself. */
  positionOf(path: ConfigPath, part?: 'key' | 'value'): TextPosition;
  /** The variable a value came from when it was written as exactly one `${NAME}`. */
  envOrigin(path: ConfigPath): string | undefined;
  /** True when the value at `path` has an unresolved `${NAME}`: its own issue says so, checks of the value would only add noise. */
  hasEnvProblem(path: ConfigPath): boolean;
  /** A ready-made issue at the position of `path`. */
  issueAt(path: ConfigPath, code: ConfigIssueCode, message: string, part?: 'key' | 'value'): ConfigIssue;
}

interface WrittenAt {
  key?: number;
  value: number;
}

const MAX_DEPTH = 64;
/** Aliases can make a small text expand enormously ("billion laughs"); config files are never that big. */
const MAX_VALUES = 100_000;
/**
 * `${ENV}` values that are numbers or switches (`batchSize: ${SINK_BATCH}`, a port) configure, they
 * do not authenticate; redacting "8080" or "true" from every text would mangle offsets and counts.
 */
const PLAIN_SETTING = /^(true|false|-?\d+(\.\d+)?)$/;

export function readConfigYaml(file: string, text: string, env: NodeJS.ProcessEnv, envOptions: EnvResolutionOptions = {}): ConfigYaml {
  const lineCounter = new LineCounter();
  const masked = maskEnvReferences(text);
  const offsets = new Map<string, WrittenAt>();
  const envOrigins = new Map<string, string>();
  const envProblems = new Set<string>();
  const issues: ConfigIssue[] = [];
  const envSecrets = new Set<string>();

  const position = (offset: number): TextPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const positionOf = (path: ConfigPath, part: 'key' | 'value' = 'value'): TextPosition => {
    for (let length = path.length; length >= 0; length--) {
      const written = offsets.get(pathKey(path.slice(0, length)));
      if (!written) continue;
      // An ancestor stands in for a missing child by its key: "config:" is where to add what is missing.
      const offset = length === path.length && part === 'value' ? written.value : (written.key ?? written.value);
      return position(offset);
    }
    return { line: 1, column: 1 };
  };
  const issueAt = (path: ConfigPath, code: ConfigIssueCode, message: string, part: 'key' | 'value' = 'value'): ConfigIssue => ({
    file,
    ...positionOf(path, part),
    path: formatConfigPath(path),
    code,
    message,
  });
  const result = (value: unknown): ConfigYaml => ({
    file,
    value,
    issues,
    envSecrets: [...envSecrets],
    positionOf,
    envOrigin: (path) => envOrigins.get(pathKey(path)),
    hasEnvProblem: (path) => envProblems.has(pathKey(path)),
    issueAt,
  });

  const document = parseDocument(masked, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (containsMaskCharacters(text)) {
    issues.push({
      file,
      line: 1,
      column: 1,
      path: '',
      code: 'YAML_SYNTAX',
      message: 'the file contains the private-use characters U+E000 or U+E001, which are reserved',
    });
  }
  for (const error of document.errors) {
    issues.push({ file, ...position(error.pos[0]), path: '', code: 'YAML_SYNTAX', message: yamlErrorMessage(error.message) });
  }
  if (issues.length > 0) return result(undefined);

  let values = 0;
  let tooLarge = false;
  const toValue = (node: unknown, path: ConfigPath, depth: number, keyOffset?: number): unknown => {
    const resolved = isAlias(node) ? node.resolve(document as Document) : node;
    const range = (resolved as YamlNode | null | undefined)?.range;
    if (range) offsets.set(pathKey(path), { key: keyOffset, value: range[0] });
    else if (keyOffset !== undefined) offsets.set(pathKey(path), { key: keyOffset, value: keyOffset });
    if (depth > MAX_DEPTH || ++values > MAX_VALUES) {
      if (!tooLarge)
        issues.push(
          issueAt(
            path,
            'YAML_SYNTAX',
            depth > MAX_DEPTH ? `nested more than ${MAX_DEPTH} levels deep` : `expands to more than ${MAX_VALUES} values (through aliases)`,
          ),
        );
      tooLarge = true;
      return undefined;
    }
    if (resolved === null || resolved === undefined) return null;
    if (isMap(resolved)) {
      const object: Record<string, unknown> = {};
      // `<<: *shared` merge keys first, so that the map's own keys (and their positions) win.
      const merged = resolved.items
        .filter((pair) => isScalar(pair.key) && typeof pair.key.value === 'symbol')
        .flatMap((pair) => (isSeq(pair.value) ? pair.value.items : [pair.value]));
      const own = offsets.get(pathKey(path));
      for (const source of merged.reverse()) {
        const value = toValue(source, path, depth + 1);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(object, value);
        else issues.push(issueAt(path, 'YAML_SYNTAX', 'a merge key (<<) takes a map or a list of maps'));
      }
      if (own) offsets.set(pathKey(path), own);
      for (const pair of resolved.items) {
        if (isScalar(pair.key) && typeof pair.key.value === 'symbol') continue;
        if (!isScalar(pair.key) || pair.key.value === null || typeof pair.key.value === 'object') {
          const at = (pair.key as YamlNode | null)?.range?.[0] ?? range?.[0] ?? 0;
          issues.push({
            file,
            ...position(at),
            path: formatConfigPath(path),
            code: 'YAML_SYNTAX',
            message: 'keys must be plain names, not collections or empty',
          });
          continue;
        }
        const key = unmaskEnvReferences(String(pair.key.value));
        object[key] = toValue(pair.value, [...path, key], depth + 1, pair.key.range?.[0]);
      }
      return object;
    }
    if (isSeq(resolved)) return resolved.items.map((item, index) => toValue(item, [...path, index], depth + 1));
    if (isScalar(resolved)) {
      if (typeof resolved.value !== 'string') return resolved.value;
      const resolution = resolveEnvReferences(resolved.value, env, envOptions);
      // A deferred `${NAME:?why}` has no value yet: checks of the value would judge a blank.
      if (resolution.problems.length > 0 || resolution.deferred.length > 0) envProblems.add(pathKey(path));
      for (const problem of resolution.problems) {
        const at = problem.kind === 'invalid' ? -1 : masked.indexOf(maskedReference(problem.written), range?.[0] ?? 0);
        const offset = at >= 0 && range && at < range[1] ? at : (range?.[0] ?? 0);
        issues.push({
          file,
          ...position(offset),
          path: formatConfigPath(path),
          code: problem.kind === 'invalid' ? 'ENV_REFERENCE_INVALID' : 'ENV_MISSING',
          message: describeEnvProblem(problem),
        });
      }
      if (resolution.wholeReference !== undefined) envOrigins.set(pathKey(path), resolution.wholeReference);
      for (const substituted of resolution.substituted) if (!PLAIN_SETTING.test(substituted)) envSecrets.add(substituted);
      return resolution.value;
    }
    return null;
  };

  const value = toValue(document.contents, [], 0);
  return result(value);
}

function pathKey(path: ConfigPath): string {
  return path.map((segment) => (typeof segment === 'number' ? `#${segment}` : `.${segment}`)).join('\u0000');
}

/**
 * The parser's message without any source text it quotes (`…in YAML stream: "<token>"`): the
 * token may be a secret written in the file. The position says where to look.
 */
function yamlErrorMessage(message: string): string {
  return message.replace(/\s*at line \d+, column \d+.*$/s, '').replace(/:\s*".*$/s, '');
}
