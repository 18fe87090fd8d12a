import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import { HubError } from '../core/hub-error.js';
import { residentIdNumber } from '../../src/demo/synthetic/resident-id-number.js';
import { DIVISIONS } from './synthetic/administrative-divisions.js';
import { startBackOfficeSimulator, type BackOfficeSimulator } from './back-office-simulator.js';
import type { BackOfficeRecord, Latency } from './back-office-simulator-options.js';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES } from './synthetic/chinese-names.js';
import { sendError } from './error-response.js';

/**
 * The CRM (customer master) in its own JSON shape: `custNo`, `certType` codes (01 = resident ID),
 * `birthday` as yyyyMMdd, `sex` 1/2, `addr` objects, `level` A-D, `createTime` in Beijing time
 * without a zone, and `lastModified` stamped by the CRM. Built on the back-office simulator
 * (auth, change paging, faults); a thin front adds the routes a plain collection has not:
 * `PUT /api/customers/{custNo}/flags/{flagType}` and `PUT /api/customers/{custNo}/golden-record`
 * (404 for an unknown customer; a golden record without goldenId is refused with 400).
 */
export type CrmCustomer = BackOfficeRecord;

export interface CrmSimulatorOptions {
  port?: number;
  bearerToken?: string;
  /** Seeded customers to generate (default 50), or the exact records to hold. */
  customers?: number | readonly CrmCustomer[];
  seed?: number;
  latencyMs?: Latency;
}

/** A deterministic pseudo-random source (mulberry32): the same seed gives the same data on every run. */
export function seededRandom(seed: number): { next(): number; int(max: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

const MOBILE_PREFIXES = ['138', '139', '135', '136', '150', '158', '186', '188', '177', '199'] as const;

/** `count` CRM customers, the same for the same seed: valid resident ID checksums, 11-digit mobiles, real divisions. */
export function seededCrmCustomers(count: number, seed = 20261123): CrmCustomer[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const division = random.pick(DIVISIONS);
    const male = random.next() < 0.5;
    const birth = `${1950 + random.int(55)}-${String(1 + random.int(12)).padStart(2, '0')}-${String(1 + random.int(28)).padStart(2, '0')}`;
    const sequence = 2 * random.int(499) + (male ? 1 : 2);
    const created = new Date(
      Date.UTC(2018 + random.int(8), random.int(12), 1 + random.int(28), random.int(24), random.int(60), random.int(60)),
    );
    const home = {
      kind: 'home',
      prov: division.province,
      city: division.city,
      dist: division.district,
      detail: `${random.pick(division.streets)}${1 + random.int(30)}栋${100 + random.int(2800)}室`,
      zip: division.postalCode,
    };
    return {
      custNo: `C${division.code}${String(index + 1).padStart(6, '0')}`,
      custType: 'P',
      name: random.pick(SURNAMES) + random.pick(male ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES),
      certType: '01',
      certNo: residentIdNumber(division.code, birth, sequence),
      birthday: birth.replaceAll('-', ''),
      sex: male ? '1' : '2',
      mobile: `${random.pick(MOBILE_PREFIXES)}${String(random.int(100_000_000)).padStart(8, '0')}`,
      tel: random.next() < 0.3 ? `${division.areaCode}-${String(20_000_000 + random.int(70_000_000))}` : null,
      email: random.next() < 0.6 ? `user${String(index + 1).padStart(4, '0')}@example.com.cn` : null,
      addr: [home],
      occupationClass: String(1 + random.int(6)),
      level: random.pick(['A', 'B', 'C', 'D', null] as const),
      state: '0',
      mergedTo: null,
      // Beijing local time, as the CRM's database keeps it.
      createTime: new Date(created.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
    };
  });
}

export interface BackOfficeFront {
  url: string;
  close(): Promise<void>;
}

const FORWARDED_REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'];
const RELAYED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'idempotent-replayed'];

/** Sends a request on to the back office with the client's credentials, so that auth and faults stay the back office's. */
export async function forwardTo(
  backOffice: BackOfficeSimulator,
  req: Request,
  method: string,
  path: string,
  body?: unknown,
): Promise<globalThis.Response> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.get(name);
    if (value) headers[name] = value;
  }
  const raw = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
  const payload = body === undefined ? raw : Buffer.from(JSON.stringify(body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${backOffice.url}${path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' || !payload ? undefined : new Uint8Array(payload),
  });
}

export async function relay(res: Response, answer: globalThis.Response): Promise<void> {
  res.status(answer.status);
  for (const name of RELAYED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value) res.set(name, value);
  }
  res.send(Buffer.from(await answer.arrayBuffer()));
}

/** The JSON body of a request read raw, or undefined when it is not a JSON object. */
export function jsonObject(req: Request): BackOfficeRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as BackOfficeRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Field errors of a golden-record body, as the CRM's validation reports them (`field: problem`). */
export function goldenRecordProblems(body: BackOfficeRecord): string[] {
  const problems: string[] = [];
  if (typeof body.goldenId !== 'string' || body.goldenId.trim() === '') problems.push('goldenId: is required');
  if (body.mergedFromGoldenId !== undefined && body.mergedFromGoldenId !== null && typeof body.mergedFromGoldenId !== 'string')
    problems.push('mergedFromGoldenId: must be a string or null');
  for (const field of ['policyNos', 'plateNos'] as const) {
    if (body[field] !== undefined && !(Array.isArray(body[field]) && body[field].every((item) => typeof item === 'string')))
      problems.push(`${field}: must be a list of strings`);
  }
  const xrefs = body.xrefs;
  if (
    xrefs !== undefined &&
    !(Array.isArray(xrefs) && xrefs.every((xref: BackOfficeRecord) => typeof xref?.system === 'string' && typeof xref.id === 'string'))
  )
    problems.push('xrefs: must be a list of { system, id }');
  return problems;
}

/**
 * Serves `routes` in front of a back office and passes every other request through unchanged. A
 * back office that is down shows as a reset connection, as it would behind a real load balancer.
 */
export async function startBackOfficeFront(
  backOffice: BackOfficeSimulator,
  routes: (app: Express) => void,
  port = 0,
): Promise<BackOfficeFront> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  routes(app);
  app.use(guard(async (req, res) => relay(res, await forwardTo(backOffice, req, req.method, req.originalUrl))));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new HubError('SIMULATOR_LISTEN_FAILED', `${backOffice.name}: cannot listen on 127.0.0.1:${port}`, { cause: error })),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Runs an async route handler; a failure to reach the back office resets the client's connection. */
export function guard(handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => void {
  return (req, res) => {
    handler(req, res).catch(() => res.socket?.destroy());
  };
}

export class CrmSimulator {
  constructor(
    /** Auth, faults (failNext, rejectWhen, goDown) and the stored records: collections `customers`, `customer-flags` and `golden-records`. */
    readonly backOffice: BackOfficeSimulator,
    private readonly front: BackOfficeFront,
  ) {}

  get url(): string {
    return this.front.url;
  }

  customers(): CrmCustomer[] {
    return this.backOffice.records('customers');
  }

  /** Flags the hub wrote, in arrival order, each with its custNo and flagType. */
  flagWrites(): BackOfficeRecord[] {
    return this.backOffice.received('customer-flags').map((write) => write.body);
  }

  /** The golden record each customer holds now (the last one written), each with its custNo; `lastModified` is the CRM's. */
  goldenRecords(): BackOfficeRecord[] {
    return this.backOffice.records('golden-records');
  }

  /** Golden records the hub wrote, in arrival order; a replay of an Idempotency-Key is not a write. */
  goldenRecordWrites(): BackOfficeRecord[] {
    return this.backOffice.received('golden-records').map((write) => write.body);
  }

  /** A change made by a CRM user: it shows up on the change feed. */
  upsert(customer: CrmCustomer): void {
    this.backOffice.upsert('customers', customer);
  }

  async close(): Promise<void> {
    await this.front.close();
    await this.backOffice.close();
  }
}

export async function startCrmSimulator(options: CrmSimulatorOptions = {}): Promise<CrmSimulator> {
  const seed = options.customers ?? 50;
  const records = typeof seed === 'number' ? seededCrmCustomers(seed, options.seed) : seed;
  const backOffice = await startBackOfficeSimulator({
    name: 'crm',
    auth: options.bearerToken ? { bearerToken: options.bearerToken } : undefined,
    latencyMs: options.latencyMs,
    collections: {
      customers: { keyField: 'custNo', updatedAtField: 'lastModified', records },
      'customer-flags': { keyField: 'flagId', updatedAtField: 'lastModified' },
      'golden-records': { keyField: 'custNo', updatedAtField: 'lastModified' },
    },
  });
  const front = await startBackOfficeFront(
    backOffice,
    (app) => {
      app.put(
        '/api/customers/:custNo/flags/:flagType',
        guard(async (req, res) => {
          const custNo = String(req.params.custNo);
          const flagType = String(req.params.flagType);
          // Asking the back office for the customer first checks the credentials and applies its faults.
          const customer = await forwardTo(backOffice, req, 'GET', `/api/customers/${encodeURIComponent(custNo)}`);
          if (customer.status === 404)
            return sendError(res, 404, `crm: customer ${JSON.stringify(custNo)} does not exist`, { code: 'CUSTOMER_NOT_FOUND' });
          if (!customer.ok) return relay(res, customer);
          const flag = jsonObject(req);
          if (!flag) return sendError(res, 400, 'crm: the body must be a JSON object');
          const flagId = `${custNo}:${flagType}`;
          await relay(
            res,
            await forwardTo(backOffice, req, 'PUT', `/api/customer-flags/${encodeURIComponent(flagId)}`, {
              ...flag,
              flagId,
              custNo,
              flagType,
            }),
          );
        }),
      );
      app.put(
        '/api/customers/:custNo/golden-record',
        guard(async (req, res) => {
          const custNo = String(req.params.custNo);
          const customer = await forwardTo(backOffice, req, 'GET', `/api/customers/${encodeURIComponent(custNo)}`);
          if (customer.status === 404)
            return sendError(res, 404, `crm: customer ${JSON.stringify(custNo)} does not exist`, { code: 'CUSTOMER_NOT_FOUND' });
          if (!customer.ok) return relay(res, customer);
          const golden = jsonObject(req);
          if (!golden) return sendError(res, 400, 'crm: the body must be a JSON object');
          const problems = goldenRecordProblems(golden);
          if (problems.length > 0)
            return sendError(res, 400, `crm: the golden record of customer ${JSON.stringify(custNo)} is not valid`, {
              code: 'VALIDATION_FAILED',
              details: problems,
            });
          // The URL names the customer; the back office refuses (422) a body that names another one.
          await relay(
            res,
            await forwardTo(backOffice, req, 'PUT', `/api/golden-records/${encodeURIComponent(custNo)}`, { custNo, ...golden }),
          );
        }),
      );
    },
    options.port,
  );
  return new CrmSimulator(backOffice, front);
}
