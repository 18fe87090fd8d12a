import { startClaimsSimulator } from './claims-simulator.js';
import { startCrmSimulator } from './crm-simulator.js';
import { ERP_COMPANY_CODES, startErpSimulator } from './erp-simulator.js';
import { startPolicyAdminSimulator } from './policy-admin-simulator.js';
import { startScmSimulator } from './scm-simulator.js';
import { startServiceDeskSimulator } from './service-desk-simulator.js';

/** What `config/demo.crm-hub.yaml` needs from the landscape, as `${DEMO_*}` values. */
export interface DemoLandscape {
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Every back-office system of the demo, started in this process on free loopback ports with their
 * seeded data: the CRM, core policy, claims, SCM, service desk and ERP simulators. The hub runs it
 * on the embedded default when no hub config is given, so a fresh `npm start` shows records flow.
 */
export async function startDemoLandscape(): Promise<DemoLandscape> {
  const token = 'demo-token-not-secret';
  const started: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(simulator: T): T => {
    started.push(simulator);
    return simulator;
  };
  const close = async () => {
    await Promise.all(started.map((simulator) => simulator.close().catch(() => undefined)));
  };
  try {
    const crm = keep(await startCrmSimulator({ bearerToken: token }));
    const policy = keep(await startPolicyAdminSimulator({ bearerToken: token }));
    const claims = keep(await startClaimsSimulator({ bearerToken: token }));
    const scm = keep(await startScmSimulator({ auth: { bearerToken: token } }));
    const desk = keep(await startServiceDeskSimulator({ bearerToken: token }));
    const erp = keep(await startErpSimulator({ auth: { bearerToken: token } }));
    return {
      env: {
        DEMO_TOKEN: token,
        DEMO_CRM_URL: crm.url,
        DEMO_POLICY_FEED_URL: policy.feedUrl,
        DEMO_CLAIMS_FEED_URL: claims.feedUrl,
        DEMO_SCM_URL: scm.url,
        DEMO_DESK_URL: desk.url,
        DEMO_ERP_URL: erp.url,
        DEMO_ERP_COMPANY: ERP_COMPANY_CODES[0],
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
