import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfrastructureError } from './infrastructure-error.js';
import { requireCommand } from './required-command.js';

const COMPLETE_MARKER = '.complete';

/**
 * Fetches Maven artifacts into a cache folder once. Work happens in a temporary sibling folder that
 * is renamed into place at the end, so an interrupted download is never mistaken for a complete
 * one and two processes fetching at once cannot see each other's half-written files.
 */
export class MavenArtifactFetcher {
  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** Copies `coordinates` (group:artifact:version) and all its runtime dependencies into `<targetDir>/libs`. */
  async fetchWithDependencies(targetDir: string, dependencies: string[]): Promise<string> {
    return this.fetchInto(targetDir, async (workDir) => {
      await fs.writeFile(path.join(workDir, 'pom.xml'), pomFor(dependencies));
      await this.mvn(workDir, [
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(workDir, 'libs')}`,
      ]);
    });
  }

  /** Copies one artifact (group:artifact:version[:type[:classifier]]) and unpacks it when it is a tar.gz. */
  async fetchAndUnpack(targetDir: string, artifact: string): Promise<string> {
    return this.fetchInto(targetDir, async (workDir) => {
      await this.mvn(workDir, ['dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${workDir}`]);
      const archives = (await fs.readdir(workDir)).filter((name) => name.endsWith('.tar.gz'));
      for (const archive of archives) {
        await run('tar', ['-xzf', archive], workDir, 'unpacking ' + archive);
        await fs.rm(path.join(workDir, archive));
      }
    });
  }

  private async fetchInto(targetDir: string, fill: (workDir: string) => Promise<void>): Promise<string> {
    if (await exists(path.join(targetDir, COMPLETE_MARKER))) return targetDir;
    await requireCommand(
      'mvn',
      ['-v'],
      'to download the embedded Kafka broker and schema registry (or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL)',
    );
    await fs.mkdir(path.dirname(targetDir), { recursive: true });
    const workDir = await fs.mkdtemp(`${targetDir}.partial-`);
    const started = Date.now();
    this.log(`fetching ${path.basename(targetDir)} from Maven Central into ${targetDir}`);
    try {
      await fill(workDir);
      await fs.writeFile(path.join(workDir, COMPLETE_MARKER), new Date().toISOString());
      await fs.rm(targetDir, { recursive: true, force: true });
      await fs.rename(workDir, targetDir).catch(async (error: NodeJS.ErrnoException) => {
        // Another process finished the same download first: theirs is as good as ours.
        if (!(await exists(path.join(targetDir, COMPLETE_MARKER)))) throw error;
      });
      this.log(`fetched ${path.basename(targetDir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return targetDir;
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  private mvn(cwd: string, goals: string[]): Promise<void> {
    return run('mvn', ['-q', '-B', ...goals], cwd, 'Maven');
  }
}

function pomFor(dependencies: string[]): string {
  const deps = dependencies
    .map((coordinates) => {
      const [groupId, artifactId, version] = coordinates.split(':');
      return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
    })
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>crmhub.local</groupId><artifactId>fetch</artifactId><version>1</version>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

function run(command: string, args: string[], cwd: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n');
        reject(
          new InfrastructureError('FETCH_FAILED', `${what} failed (${command} ${args.join(' ')}):\n${output || error.message}`, {
            retriable: true,
            cause: error,
          }),
        );
      } else {
        resolve();
      }
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
