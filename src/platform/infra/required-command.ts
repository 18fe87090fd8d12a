import { execFile } from 'node:child_process';
import { InfrastructureError } from './infrastructure-error.js';

/**
 * Fails early, naming the missing tool and the way round it, instead of letting a spawn fail with
 * a bare ENOENT deep inside a launcher.
 */
export async function requireCommand(command: string, versionArgs: string[], why: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, versionArgs, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new InfrastructureError(
            'TOOL_MISSING',
            `'${command}' is needed ${why}, but running '${command} ${versionArgs.join(' ')}' failed: ${error.message}`,
            { cause: error },
          ),
        );
      } else {
        resolve(`${stdout}${stderr}`.trim());
      }
    });
  });
}
