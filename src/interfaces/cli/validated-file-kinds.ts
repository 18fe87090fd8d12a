import { hubConfigFile, validateHubConfig } from '../../hub/hub-config.js';
import { flowFileKind } from './flow-file-kind.js';
import type { ValidatedFileKind } from './validated-file-kind.js';

export const hubConfigFileKind: ValidatedFileKind = {
  name: 'hub config',
  knownKeys: Object.keys(hubConfigFile.sections),
  identifyingKeys: ['connectors'],
  async validate(file, text, context) {
    const { issues, config } = validateHubConfig({ file, text }, await context.catalog(), context.env, context.envOptions);
    if (!config) return { issues, summary: '' };
    const byConnector = new Map<string, string[]>();
    for (const instance of config.connectors) {
      const names = byConnector.get(instance.connector) ?? [];
      names.push(instance.enabled ? instance.name : `${instance.name} (disabled)`);
      byConnector.set(instance.connector, names);
    }
    const count = config.connectors.length;
    const detail = [...byConnector].sort(([a], [b]) => a.localeCompare(b)).map(([connector, names]) => `${connector}: ${names.join(', ')}`);
    return {
      issues,
      summary: `${file}: valid hub config, ${count} connector instance${count === 1 ? '' : 's'}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}`,
    };
  },
};

/** In order of preference on a tie; the last one is also used for files that resemble none, so its messages say what is wrong. */
export const FILE_KINDS: readonly ValidatedFileKind[] = [flowFileKind, hubConfigFileKind];

/** The kind the file most resembles: one whose identifying keys it has all, else the one most of whose keys it has. */
export function fileKindFor(text: string): ValidatedFileKind {
  const keys = topLevelKeys(text);
  const resemblance = (kind: ValidatedFileKind) =>
    (kind.identifyingKeys.every((key) => keys.has(key)) ? kind.knownKeys.length + 1 : 0) +
    kind.knownKeys.filter((key) => keys.has(key)).length;
  let best = FILE_KINDS[FILE_KINDS.length - 1]!;
  let bestScore = 0;
  for (const kind of FILE_KINDS) {
    const score = resemblance(kind);
    if (score > bestScore) [best, bestScore] = [kind, score];
  }
  return best;
}

/**
 * The keys written at the start of a line, outside comments: the top-level keys of a block-style
 * YAML map. Only for telling kinds apart; the file is parsed properly by the kind that checks it.
 */
function topLevelKeys(text: string): Set<string> {
  return new Set([...text.matchAll(/^(["']?)([A-Za-z_][\w.-]*)\1[ \t]*:(?=\s|$)/gm)].map((match) => match[2]!));
}
