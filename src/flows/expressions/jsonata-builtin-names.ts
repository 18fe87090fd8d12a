/**
 * The functions jsonata 2.x defines, so that a call to any other name can be reported while the
 * flow is checked instead of failing on the first message. jsonata offers no list of them; a unit
 * test checks that each of these is a function in the installed jsonata.
 */
export const JSONATA_BUILTIN_FUNCTIONS: readonly string[] = [
  'sum', 'count', 'max', 'min', 'average',
  'string', 'substring', 'substringBefore', 'substringAfter', 'lowercase', 'uppercase', 'length', 'trim', 'pad',
  'match', 'contains', 'replace', 'split', 'join',
  'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round', 'abs', 'sqrt', 'power', 'random',
  'boolean', 'not', 'exists',
  'map', 'zip', 'filter', 'single', 'reduce', 'sift', 'each', 'sort', 'shuffle', 'distinct', 'reverse', 'append',
  'keys', 'lookup', 'spread', 'merge', 'type', 'error', 'assert', 'eval', 'clone',
  'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl',
  'now', 'millis', 'toMillis', 'fromMillis',
];
