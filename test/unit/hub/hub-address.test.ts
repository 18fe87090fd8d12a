import { expect } from 'chai';
import { HubApiClient } from '../../../src/interfaces/cli/hub-api-client.js';
import { hubListenAddress, hubUrlFromEnv, hubUrlOf } from '../../../src/hub/hub-address.js';
import { hubSettingsFromEnv } from '../../../src/hub/hub-settings.js';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../support/cli-process.js';

describe('hub address: where the hub listens and where the CLI looks for it', () => {
  it('listens on 127.0.0.1:8080 unless CRM_HUB_HOST / CRM_HUB_PORT say otherwise', () => {
    expect(hubListenAddress({})).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(hubListenAddress({ CRM_HUB_HOST: '0.0.0.0', CRM_HUB_PORT: '18080' })).to.deep.equal({ host: '0.0.0.0', port: 18080 });
    expect(() => hubListenAddress({ CRM_HUB_PORT: '80800' })).to.throw(/CRM_HUB_PORT="80800" is not a port number/);
  });

  it('the hub binds what the CLI looks for', () => {
    const env = { CRM_HUB_HOST: '127.0.0.2', CRM_HUB_PORT: '18080' };
    const settings = hubSettingsFromEnv(env, PROJECT_ROOT);
    expect({ host: settings.httpHost, port: settings.httpPort }).to.deep.equal(hubListenAddress(env));
    expect(hubUrlFromEnv(env)).to.equal('http://127.0.0.2:18080');
  });

  it('CRM_HUB_URL wins over CRM_HUB_HOST and CRM_HUB_PORT; else host and port; else the default', () => {
    expect(hubUrlFromEnv({ CRM_HUB_URL: 'https://hub.example.com/', CRM_HUB_HOST: '10.0.0.1', CRM_HUB_PORT: '18080' })).to.equal(
      'https://hub.example.com',
    );
    expect(hubUrlFromEnv({ CRM_HUB_PORT: '18080' })).to.equal('http://127.0.0.1:18080');
    expect(hubUrlFromEnv({ CRM_HUB_HOST: 'hub.internal' })).to.equal('http://hub.internal:8080');
    expect(hubUrlFromEnv({})).to.equal('http://127.0.0.1:8080');
  });

  it('a hub bound to every interface is reached on loopback; IPv6 hosts are bracketed', () => {
    expect(hubUrlFromEnv({ CRM_HUB_HOST: '0.0.0.0', CRM_HUB_PORT: '18080' })).to.equal('http://127.0.0.1:18080');
    expect(hubUrlOf('::', 8080)).to.equal('http://[::1]:8080');
    expect(hubUrlOf('::1', 9000)).to.equal('http://[::1]:9000');
    expect(hubUrlOf('fe80::1', 9000)).to.equal('http://[fe80::1]:9000');
  });

  it('the admin API client looks where the hub listens, unless --hub says otherwise', () => {
    expect(new HubApiClient({}, { CRM_HUB_HOST: '0.0.0.0', CRM_HUB_PORT: '18080' }).baseUrl).to.equal('http://127.0.0.1:18080');
    expect(new HubApiClient({ hub: 'http://other:1' }, { CRM_HUB_PORT: '18080' }).baseUrl).to.equal('http://other:1');
  });

  it('crm-hub schemas check with no hub running names the address CRM_HUB_HOST / CRM_HUB_PORT give', async function () {
    this.timeout(30_000);
    // Nothing listens on 127.0.0.3:1 (port 1 is privileged and unused), so the command must say where it looked.
    const run = await runCli(['schemas', 'check'], cleanEnv({ CRM_HUB_HOST: '127.0.0.3', CRM_HUB_PORT: '1' }));
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('http://127.0.0.3:1/health');
    expect(run.stderr).not.to.include('8080');
  });
});
