import fs from 'node:fs/promises';
import { ConfigError } from '../../core/hub-error.js';

/** The text of a config file; ConfigError CONFIG_UNREADABLE when it cannot be read. */
export async function readConfigFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read ${file}: ${reason}`, { cause: error });
  }
}
