import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { InfrastructureError } from '../../../../src/platform/infra/infrastructure-error.js';

/**
 * The machine's Chromium: CHROMIUM_PATH when set, else `chromium` (Debian's package, which .ci/run
 * installs) or `chromium-browser` on PATH. playwright-core downloads no browser of its own.
 */
export function chromiumExecutable(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new InfrastructureError('CHROMIUM_NOT_INSTALLED', `CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not this name
    }
  }
  throw new InfrastructureError(
    'CHROMIUM_NOT_INSTALLED',
    "Chromium not found for the dashboard's browser test: install Debian's chromium package (as .ci/run does: apt-get install chromium) or set CHROMIUM_PATH",
  );
}

export interface LaunchedBrowser {
  browser: Browser;
  /** On the browser's command line, so that a test can check no browser process outlives it. */
  marker: string;
}

/** Headless Chromium; `--no-sandbox` because CI runs as root in a container. */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const marker = `--crm-hub-test-browser=${randomUUID()}`;
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--no-sandbox', marker], timeout: 30_000 });
  return { browser, marker };
}

/** Ids of running processes whose command line holds `marker`. */
export function processesMentioning(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', '--', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}
