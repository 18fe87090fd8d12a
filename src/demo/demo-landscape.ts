import { randomBytes } from 'node:crypto';
import type { BackOfficeSimulator } from './back-office-simulator.js';
import { startClaimsSimulator, type ClaimsSimulator } from './claims-simulator.js';
import { seededCrmCustomers, startCrmSimulator, type CrmCustomer } from './crm-simulator.js';
import { ERP_COMPANY_CODES, startErpSimulator } from './erp-simulator.js';
import { POLICY_ADMIN_PARTIES } from './policy-admin-events.js';
import { startPolicyAdminSimulator, type PolicyAdminSimulator } from './policy-admin-simulator.js';
import { birthDateOfResidentId, genderOfResidentId } from '../domain/identifiers/resident-id-number.js';
import { startScmSimulator } from './scm-simulator.js';
import { seededDeskTickets, startServiceDeskSimulator } from './service-desk-simulator.js';
import { closedComplaintsOfYesterday } from './desk-complaint-history.js';
import { DemoActivity } from './demo-activity.js';
import { demoEventRate, DemoTrickle, type DemoSystem, type DemoTrickleOptions } from './demo-trickle.js';
import { sendWebhook } from './webhook-sender.js';

/** What `config/demo.crm-hub.yaml` needs from the landscape, as `${DEMO_*}` values. */
export interface DemoLandscape {
  env: Record<string, string>;
  /** The systems that push events; their `push` signs with the landscape's webhook secret. */
  claims: ClaimsSimulator;
  policy: PolicyAdminSimulator;
  /** The SCM: stock and the part reservations the hub makes for repair tickets. */
  scm: BackOfficeSimulator;
  /** The events after the seed (stopped by `close`). */
  trickle: DemoTrickle;
  /** Posts a webhook (a CRM or SCM event, say) signed with the landscape's secret, as the demo's systems sign theirs. */
  push(webhookUrl: string, body: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export interface DemoLandscapeOptions extends Partial<DemoTrickleOptions> {
  /** Events per second after the seed; default CRM_HUB_DEMO_RATE, else 3; 0 stops them. */
  eventsPerSecond?: number;
}

/** An outage answers 503 with this Retry-After, as a back office in maintenance would. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * Every back-office system of the demo, started in this process on free loopback ports with their
 * seeded data: the CRM, core policy, claims, SCM, service desk and ERP simulators. The hub runs it
 * on the embedded default when no hub config is given, so a fresh `npm start` shows records flow.
 * After the seed the systems keep going (DemoTrickle, DemoActivity): a few events per second, a
 * bad record now and then, and from time to time one system unreachable for some seconds.
 */
export async function startDemoLandscape(options: DemoLandscapeOptions = {}): Promise<DemoLandscape> {
  const eventsPerSecond = options.eventsPerSecond ?? demoEventRate(process.env);
  const token = 'demo-token-not-secret';
  // A new key every start: the demo's push sources take only webhooks signed with it (DEMO_WEBHOOK_SECRET).
  const webhookSecret = randomBytes(32).toString('hex');
  const started: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(simulator: T): T => {
    started.push(simulator);
    return simulator;
  };
  let trickle: DemoTrickle | undefined;
  const close = async () => {
    trickle?.stop();
    await Promise.all(started.map((simulator) => simulator.close().catch(() => undefined)));
  };
  try {
    const crm = keep(await startCrmSimulator({ bearerToken: token, customers: [...seededCrmCustomers(50), ...policyHoldersInCrm()] }));
    const policy = keep(await startPolicyAdminSimulator({ bearerToken: token, webhookSecret }));
    const claims = keep(await startClaimsSimulator({ bearerToken: token, webhookSecret }));
    const scm = keep(await startScmSimulator({ auth: { bearerToken: token } }));
    // Yesterday's closed complaints too: their per-dealer day closes with the first complaint closed today.
    const tickets = [...seededDeskTickets(40), ...closedComplaintsOfYesterday(Date.now())];
    const desk = keep(await startServiceDeskSimulator({ bearerToken: token, tickets }));
    const erp = keep(await startErpSimulator({ auth: { bearerToken: token } }));
    const activity = new DemoActivity({ crm, policy, claims, scm, desk });
    const backOffices: Record<DemoSystem, BackOfficeSimulator> = {
      crm: crm.backOffice,
      'policy-admin': policy.backOffice,
      claims: claims.backOffice,
      scm,
      'service-desk': desk.backOffice,
      erp,
    };
    trickle = new DemoTrickle(
      {
        emit: (kind, bad) => activity.apply(kind, bad),
        outageStarted: (system, durationMs) =>
          backOffices[system].failFor(durationMs, 503, { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS }),
        outageEnded: (system) => backOffices[system].endFailFor(),
      },
      { ...options, eventsPerSecond },
    );
    trickle.start();
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
        DEMO_WEBHOOK_SECRET: webhookSecret,
      },
      claims,
      policy,
      scm,
      trickle,
      push: (webhookUrl, body) => sendWebhook(webhookUrl, body, { secret: webhookSecret }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The policy holders of the policy admin seed who have a CRM number, as CRM customers: in a real
 * landscape a policy's holder is a CRM customer, so the demo's flags and golden records about them
 * reach the CRM instead of being dead-lettered as unknown customers.
 */
function policyHoldersInCrm(): CrmCustomer[] {
  return POLICY_ADMIN_PARTIES.filter((party) => party.custNo !== null).map((party, index) => {
    const person = party.certType === '01';
    return {
      custNo: party.custNo,
      custType: person ? 'P' : 'O',
      name: party.name,
      certType: person ? '01' : '10',
      certNo: party.certNo,
      birthday: person ? (birthDateOfResidentId(party.certNo) ?? '').replaceAll('-', '') || null : null,
      sex: person ? (genderOfResidentId(party.certNo) === 'MALE' ? '1' : '2') : null,
      mobile: person ? `1390000${String(index + 1).padStart(4, '0')}` : null,
      tel: null,
      email: null,
      addr: [],
      occupationClass: null,
      level: 'B',
      state: '0',
      mergedTo: null,
      createTime: '2019-03-01 10:00:00',
    };
  });
}
