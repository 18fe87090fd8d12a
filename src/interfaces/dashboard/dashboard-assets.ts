import fs from 'node:fs/promises';

/**
 * Which files of the dashboard's folder the hub serves, and as what. The page is its HTML plus ES
 * modules and a style sheet that it loads by name, so every `.js` and `.css` file of the folder is
 * served; nothing else is (the routes module, tsconfig.json). A name is one kebab-case word list
 * and an extension: no slash, backslash, `..` or other dots can reach outside the folder or a
 * hidden file, whatever the folder holds.
 */
const ASSET_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*\.(js|css)$/;

const CONTENT_TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

export const PAGE_CONTENT_TYPE = 'text/html; charset=utf-8';

/** The content type a file of this name is served with, or undefined when no such name is served. */
export function assetContentType(name: string): string | undefined {
  const extension = ASSET_NAME.exec(name)?.[1] as keyof typeof CONTENT_TYPES | undefined;
  return extension === undefined ? undefined : CONTENT_TYPES[extension];
}

/** The names served from `dir`, sorted; throws the file system's error when the folder cannot be read. */
export async function servedAssets(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && assetContentType(entry.name) !== undefined)
    .map((entry) => entry.name)
    .sort();
}
