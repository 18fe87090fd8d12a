import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, startCli } from '../../../support/cli-process.js';

describe('crm-hub run on a port already in use', function () {
  this.timeout(60_000);
  let occupant: net.Server;
  let port: number;
  let dataDir: string;

  before(async () => {
    occupant = net.createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    port = (occupant.address() as net.AddressInfo).port;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-busy-port-'));
  });

  after(async () => {
    await new Promise<void>((resolve) => occupant.close(() => resolve()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which port and which variable in one line and exits non-zero before starting anything', async () => {
    // The embedded default with no config: the path that starts the demo landscape and a broker.
    const run = startCli(
      ['run'],
      cleanEnv({
        CRM_HUB_PORT: String(port),
        CRM_HUB_DATA_DIR: dataDir,
        CRM_HUB_KAFKA_PORT: '0',
        CRM_HUB_REGISTRY_PORT: '0',
        DOCKER_HOST: 'unix:///nonexistent',
      }),
    );
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
    const { code, signal } = await run.exited;
    clearTimeout(timer);
    const output = `${run.stdout()}${run.stderr()}`;
    expect(signal, `still running after 20 s; output:\n${output}`).to.equal(null);
    expect(code).to.not.equal(0);
    expect(output.trim().split('\n'), output).to.deep.equal([
      `crm-hub: port ${port} on 127.0.0.1 is in use (set CRM_HUB_PORT to another port)`,
    ]);
    // Nothing was started: no simulators, no broker, no registry, nothing written to the data folder.
    expect(fs.readdirSync(dataDir)).to.deep.equal([]);
  });
});
