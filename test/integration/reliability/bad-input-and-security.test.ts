import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import fc from 'fast-check';
import { sha256Hex } from '../../../src/interfaces/api/api-tokens.js';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import { freePort } from '../../../src/platform/infra/free-port.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { DEAD_LETTER_HEADER } from '../../../src/platform/headers/dead-letter-headers.js';
import { HEADER } from '../../../src/platform/headers/record-headers.js';
import { SIGNATURE_HEADER, signWebhook } from '../../../src/connect/sdk/webhook-signature.js';
import { sampleServiceRequest } from '../../fixtures/sample-records.js';
import { seededCrmCustomers } from '../../../src/demo/crm-simulator.js';
import { cleanEnv, startCli, type CliRun } from '../../support/cli-process.js';
import { CredentialEchoServer, ECHO_FORMS } from '../../support/credential-echo-server.js';
import { waitFor as waitForCondition } from '../../support/runtime-harness.js';
import { webhookFuzzInput, webhookFuzzPlan, type WebhookFuzzInput } from '../../support/webhook-fuzz-inputs.js';
import { infrastructure } from '../infrastructure.js';

/**
 * Bad input and security, on one hub process run as an operator runs it (crm-hub run with a hub
 * config and a flows folder) against the suite's broker and registry. Every test prints its
 * figures on one `reliability:` line for the README. CRM_HUB_SOAK=1 fuzzes far longer.
 */

const SOAK = process.env.CRM_HUB_SOAK === '1';
const FUZZ_RUNS = SOAK ? 5000 : 500;
const SERVICE_TOPIC = 'service.request.v1';
const CUSTOMER_TOPIC = 'crm.customer.v1';
// Small enough that what the fuzzing gets accepted stays far below the broker's limit also once
// derived records (golden customers) gather it from several source records.
const FUZZ_MAX_BODY = 64 * 1024;
const DEFAULT_MAX_BODY = 1024 * 1024;

const id = randomUUID()
  .slice(0, 8)
  .replace(/^[0-9]/, 'r');
const prefix = `REL${id.toUpperCase()}`;
const names = {
  fuzz: `fuzz-${id}`,
  crm: `crm-${id}`,
  big: `big-${id}`,
  leaky: `leaky-${id}`,
  userinfo: `userinfo-${id}`,
  basic: `basic-${id}`,
  hmac: `hmac-${id}`,
  oversizeFlow: `oversize-${id}`,
  leakFlow: `leak-${id}`,
  doubledTopic: `rel-${id}.doubled`,
  leakTopic: `rel-${id}.leak-in`,
};

// Secrets planted in the hub config through ${ENV} references, long and unguessable so that a hit is a leak, not chance.
const secrets = {
  REL_FUZZ_SECRET: `whsec-fuzz-${randomUUID()}`,
  REL_CRM_WEBHOOK_SECRET: `whsec-crm-${randomUUID()}`,
  REL_BIG_SECRET: `whsec-big-${randomUUID()}`,
  REL_CRM_TOKEN: `crm-bearer-${randomUUID()}`,
  REL_SINK_TOKEN: `sink-bearer-${randomUUID()}`,
  // One in each place a sink's config can hold one; some with the characters that make their JSON, URL and base64 forms differ.
  REL_API_KEY: `key-"\\/+${randomUUID()}`,
  REL_TENANT: `tenant-${randomUUID()}`,
  REL_URL_PASSWORD: `urlpw-${randomUUID()}`,
  REL_QUERY_TOKEN: `qtok-${randomUUID()}`,
  REL_BASIC_PASSWORD: `basic-"\\/+ü-${randomUUID()}`,
  REL_HMAC_SECRET: `hmac-${randomUUID()}`,
};
/** Written in the config itself, not through ${ENV}: a credential query parameter is redacted by its name. */
const literalApiKey = `literal-${randomUUID()}`;
const BASIC_USER = 'hubuser';
/** Records sent to the sinks whose target quotes credentials back: enough for every answer form at each. */
const LEAK_RECORDS = 7;
const apiTokens = { viewer: `viewer-${randomUUID()}`, operator: `operator-${randomUUID()}`, admin: `admin-${randomUUID()}` };

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  ms: number;
}

/**
 * Posts bytes exactly as given, on a fresh connection, and takes the answer even when it comes
 * before the body was sent (a 413 decided on Content-Length). Rejects only when no answer came
 * within the deadline: that is a hang.
 */
function post(url: string, body: Buffer, headers: Record<string, string>, timeoutMs = 30_000): Promise<Answer> {
  const started = Date.now();
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(body.length) } });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => undefined);
      response.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text, and the checks say so
        }
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: parsed,
          ms: Date.now() - started,
        });
        request.destroy();
      });
    });
    request.on('error', (error) => {
      // Writing the rest of a body the server already refused may fail; the answer is what counts.
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** waitFor, with a description of what was awaited made at the time of failure, when it can tell what was seen. */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  try {
    await waitForCondition(condition, timeoutMs, 'the condition');
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${what()}`, { cause: error });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signed(secret: string, body: Buffer, headers: Record<string, string> = {}, timestamp?: number): Record<string, string> {
  return { 'content-type': 'application/json', ...headers, [SIGNATURE_HEADER]: signWebhook(secret, body, timestamp) };
}

/** A 4xx in the hub's error shape: `{ error: { code, message } }`, both non-empty. */
function clearError(answer: Answer): string | undefined {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!answer.contentType.startsWith('application/json')) return `content-type ${answer.contentType}`;
  if (typeof error?.code !== 'string' || error.code === '') return 'no error code';
  if (typeof error.message !== 'string' || error.message === '') return 'no error message';
  return undefined;
}

/** How the text the hub would decode stands in Kafka: invalid UTF-16 (lone surrogates) becomes U+FFFD on the way. */
const asStored = (text: string) => Buffer.from(text, 'utf8').toString('utf8');
/** The event a record came from: the hub appends `#<index>` (or `#merged`) to the event id when one event gives several records. */
function eventOf(eventIdHeader: string, known: ReadonlyMap<string, unknown>): string {
  if (known.has(eventIdHeader)) return eventIdHeader;
  const suffixed = /^(.*)#(\d+|merged)$/s.exec(eventIdHeader);
  return suffixed && known.has(suffixed[1]!) ? suffixed[1]! : eventIdHeader;
}

/** A ticket of nobody in particular: no customer, caller name or phone that identity resolution would gather into someone's golden record. */
function serviceRequest(ticketNumber: string, description: string): Record<string, unknown> {
  const { meta: _meta, ...request } = sampleServiceRequest();
  return { ...request, ticketNumber, description, customerId: null, callerName: null, callerPhone: null };
}

describe('reliability: bad input and security on a running hub', function () {
  this.timeout(SOAK ? 3_600_000 : 240_000);
  let dir: string;
  let hub: CliRun;
  let base: string;
  let echo: CredentialEchoServer;
  let kafka: KafkajsClient;
  let serde: AvroSerde;

  const admin = (token = apiTokens.admin) => ({
    headers: { Authorization: `Bearer ${token}` },
    validateStatus: () => true,
    timeout: 30_000,
  });
  const webhookUrl = (instance: string) => `${base}/webhooks/${instance}`;
  const hubOutput = () => `${hub.stdout()}\n${hub.stderr()}`;

  before(async function () {
    this.timeout(180_000);
    echo = await CredentialEchoServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-reliability-'));
    const flowsDir = path.join(dir, 'flows');
    fs.mkdirSync(flowsDir);
    const configFile = path.join(dir, 'crm-hub.yaml');
    fs.writeFileSync(
      configFile,
      `connectors:
  ${names.fuzz}:
    connector: http-source
    webhook: { secret: \${REL_FUZZ_SECRET}, toleranceSeconds: 300, maxBodyBytes: ${FUZZ_MAX_BODY} }
    config: { topic: ${SERVICE_TOPIC}, keyField: ticketNumber, eventType: ServiceRequestPushed }
  ${names.crm}:
    connector: crm
    # Polls a CRM that refuses every request and quotes the bearer token back: errors that mention the token.
    schedule: "*/2 * * * * *"
    webhook: { secret: \${REL_CRM_WEBHOOK_SECRET}, toleranceSeconds: 300, maxBodyBytes: ${FUZZ_MAX_BODY} }
    config: { baseUrl: "${echo.url}", bearerToken: \${REL_CRM_TOKEN}, sourceSystem: ${names.crm}, timeoutMs: 2000 }
  ${names.big}:
    connector: http-source
    webhook: { secret: \${REL_BIG_SECRET} }
    config: { topic: ${SERVICE_TOPIC}, keyField: ticketNumber }
  ${names.leaky}:
    connector: http-sink
    topics: [${names.leakTopic}]
    retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 200 }
    config:
      url: "${echo.url}/bearer/{key}?tenant=\${REL_TENANT}"
      method: PUT
      headers: { X-Api-Key: \${REL_API_KEY} }
      auth: { type: bearer, token: \${REL_SINK_TOKEN} }
  ${names.userinfo}:
    connector: http-sink
    topics: [${names.leakTopic}]
    retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 200 }
    config:
      url: "${echo.url.replace('://', `://${BASIC_USER}:\${REL_URL_PASSWORD}@`)}/userinfo/{key}?token=\${REL_QUERY_TOKEN}&api_key=${literalApiKey}"
  ${names.basic}:
    connector: http-sink
    topics: [${names.leakTopic}]
    retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 200 }
    config:
      url: "${echo.url}/basic/{key}"
      auth: { type: basic, username: ${BASIC_USER}, password: \${REL_BASIC_PASSWORD} }
  ${names.hmac}:
    connector: http-sink
    topics: [${names.leakTopic}]
    retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 200 }
    config:
      url: "${echo.url}/hmac/{key}"
      auth: { type: hmac, secret: \${REL_HMAC_SECRET} }
# This hub is about webhooks and secrets: the customer view is left to other processes, and the two cores to what is measured.
customerView: { enabled: false }
admin:
  tokens:
${Object.entries(apiTokens)
  .map(([role, token]) => `    - { name: ${role}-${id}, role: ${role}, sha256: ${sha256Hex(token)} }`)
  .join('\n')}
`,
    );
    fs.writeFileSync(
      path.join(flowsDir, `${names.oversizeFlow}.yaml`),
      `name: ${names.oversizeFlow}
description: Doubles the description of this test's service requests, so that a 900 KB one becomes too large for the broker
from: ${SERVICE_TOPIC}
steps:
  - filter: $contains(ticketNumber, "${prefix}-BIG")
  - map:
      keep: true
      schema: crmhub.service.ServiceRequest
      fields:
        description: description & description
to: { topic: ${names.doubledTopic}, schema: crmhub.service.ServiceRequest }
topics: { ${names.doubledTopic}: { schema: crmhub.service.ServiceRequest } }
errors: { retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 500 } }
`,
    );
    fs.writeFileSync(
      path.join(flowsDir, `${names.leakFlow}.yaml`),
      `name: ${names.leakFlow}
description: Hands this test's service requests to the sinks whose target quotes credentials back
from: ${SERVICE_TOPIC}
steps:
  - filter: $contains(ticketNumber, "${prefix}-LEAK")
to: [${[names.leaky, names.userinfo, names.basic, names.hmac].map((sink) => `{ connector: ${sink} }`).join(', ')}]
errors: { retry: { attempts: 2, initialDelayMs: 50, maxDelayMs: 500 } }
`,
    );
    const infra = infrastructure();
    kafka = new KafkajsClient({ brokers: infra.kafka.brokers });
    serde = new AvroSerde(new SchemaRegistryClient(infra.registry.url));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = startCli(
      ['run'],
      cleanEnv({
        KAFKA_BROKERS: infra.kafka.brokers.join(','),
        SCHEMA_REGISTRY_URL: infra.registry.url,
        CRM_HUB_PORT: String(port),
        CRM_HUB_HOST: '127.0.0.1',
        CRM_HUB_CONFIG: configFile,
        CRM_HUB_FLOWS_DIR: flowsDir,
        CRM_HUB_DATA_DIR: path.join(dir, 'data'),
        ...secrets,
      }),
    );
    let last = '';
    await waitFor(
      async () => {
        if (hub.child.exitCode !== null) throw new Error(`the hub exited: ${hub.stderr().slice(-3000)}`);
        const flows = await axios.get(`${base}/api/flows`, admin()).catch((error: Error) => ({ status: 0, data: error.message }));
        last = JSON.stringify(flows.data).slice(0, 500);
        const running =
          flows.status === 200
            ? (flows.data as { flows: { name: string; state: string }[] }).flows
                .filter((flow) => flow.state === 'running')
                .map((flow) => flow.name)
            : [];
        return running.includes(names.oversizeFlow) && running.includes(names.leakFlow);
      },
      150_000,
      () => `a hub running both flows (last answer ${last}; hub said: ${hub.stderr().slice(-2000)})`,
    );
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !hub) return;
    const file = path.join(os.tmpdir(), `crm-hub-reliability-${id}.log`);
    fs.writeFileSync(file, hubOutput());
    process.stderr.write(`      the hub's output is in ${file}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    if (hub && hub.child.exitCode === null) {
      hub.child.kill('SIGTERM');
      const stopped = await Promise.race([hub.exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 30_000))]);
      if (!stopped) hub.child.kill('SIGKILL');
      await hub.exited;
    }
    await echo?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends `runs` fuzzed requests built from `baseBody(n)` to `instance`, one at a time, and checks
   * each answer against what the request deserves; then reads `topic` and checks that exactly the
   * accepted events produced records.
   */
  async function fuzzWebhook(options: {
    label: string;
    instance: string;
    secret: string;
    topic: string;
    seed: number;
    baseBody: (n: number) => Record<string, unknown>;
    /** Whether a record on the topic is this instance's: by its source-system header. */
    sourceSystem: string;
  }): Promise<void> {
    const plans = fc.sample(webhookFuzzPlan, { seed: options.seed, numRuns: FUZZ_RUNS });
    const byStatus = new Map<number, number>();
    const accepted = new Map<string, number>();
    const problems: string[] = [];
    let crashes = 0;
    let slowest = 0;
    for (const [n, plan] of plans.entries()) {
      const input: WebhookFuzzInput = webhookFuzzInput(plan, options.baseBody(n), ['eventId']);
      const headers = { ...input.headers };
      if (input.signature === 'valid') headers[SIGNATURE_HEADER] = signWebhook(options.secret, input.body);
      if (input.signature === 'wrong') headers[SIGNATURE_HEADER] = signWebhook(`${options.secret}-not`, input.body);
      let answer: Answer;
      try {
        answer = await post(webhookUrl(options.instance), input.body, headers);
      } catch (error) {
        crashes++;
        problems.push(`#${n} ${input.description}: no answer (${(error as Error).message})`);
        continue;
      }
      slowest = Math.max(slowest, answer.ms);
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      const expected = expectedStatuses(
        input,
        options.instance === names.fuzz || options.instance === names.crm ? FUZZ_MAX_BODY : DEFAULT_MAX_BODY,
      );
      const what = `#${n} ${input.description} (${input.body.length} bytes) → ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
      if (answer.status >= 500) crashes++;
      if (answer.status >= 200 && answer.status < 300) {
        const body = answer.body as { status?: string; eventId?: string; records?: number };
        if (body.status !== 'accepted' || typeof body.eventId !== 'string' || typeof body.records !== 'number')
          problems.push(`${what}: a 2xx that is not an acceptance`);
        else accepted.set(asStored(body.eventId), body.records);
      } else {
        const unclear = clearError(answer);
        if (unclear) problems.push(`${what}: ${unclear}`);
      }
      if (!expected.includes(answer.status)) problems.push(`${what}: expected ${expected.join(' or ')}`);
    }

    // Only accepted events produced records, each all of its records; nothing of a refused one.
    const mine = (await kafka.readToEnd(options.topic)).filter((record) => record.headers[HEADER.sourceSystem] === options.sourceSystem);
    const produced = new Map<string, number>();
    for (const record of mine) {
      const event = eventOf(record.headers[HEADER.eventId] ?? '', accepted);
      produced.set(event, (produced.get(event) ?? 0) + 1);
      for (const secret of Object.values(secrets))
        if (record.value?.includes(secret)) problems.push(`record of event ${event} holds a configured secret`);
    }
    let lost = 0;
    let duplicates = 0;
    let expectedRecords = 0;
    for (const [event, count] of accepted) {
      expectedRecords += count;
      const got = produced.get(event) ?? 0;
      if (got < count) {
        lost += count - got;
        problems.push(`event ${JSON.stringify(event)} accepted with ${count} records, ${got} on the topic`);
      } else duplicates += got - count;
    }
    const unexpected = [...produced.keys()].filter((event) => !accepted.has(event));
    const rejected = [...byStatus].filter(([status]) => status >= 400 && status < 500).reduce((sum, [, count]) => sum + count, 0);
    const health = await axios.get(`${base}/health`, { validateStatus: () => true, timeout: 20_000 });
    process.stdout.write(
      `reliability: webhook fuzzing (${options.label}) — ${plans.length} inputs, ${rejected} rejected with a clear 4xx (${[...byStatus]
        .filter(([status]) => status >= 400)
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}: ${count}`)
        .join(
          ', ',
        )}), ${accepted.size} accepted → ${expectedRecords} records expected, ${mine.length} on the topic, ${lost} lost, ${duplicates} duplicates, ${unexpected.length} events refused yet produced, ${crashes} crashes (5xx or no answer), slowest answer ${slowest} ms, /health ${health.status}\n`,
    );
    expect(problems.slice(0, 15), `${problems.length} problems`).to.deep.equal([]);
    expect(crashes).to.equal(0);
    expect(lost, 'records of accepted events missing from the topic').to.equal(0);
    expect(
      unexpected.map((event) => JSON.stringify(event)),
      'events answered with a refusal that still produced records',
    ).to.deep.equal([]);
    expect(accepted.size, 'the fuzzing must also reach acceptance, or it tests only the refusals').to.be.greaterThan(FUZZ_RUNS / 20);
    expect(rejected, 'and refusals').to.be.greaterThan(FUZZ_RUNS / 5);
    expect(health.status, JSON.stringify(health.data)).to.equal(200);
    expect(hub.child.exitCode).to.equal(null);
  }

  describe('bad input', () => {
    it('fuzzed http-source webhook bodies: every answer a 2xx or a clear 4xx, only accepted events produce records, the hub stays up', async () => {
      await fuzzWebhook({
        label: 'http-source',
        instance: names.fuzz,
        secret: secrets.REL_FUZZ_SECRET,
        topic: SERVICE_TOPIC,
        seed: 20260301,
        sourceSystem: names.fuzz,
        baseBody: (n) => {
          const item = serviceRequest(`${prefix}-F${n}`, `空调不制冷 \${REL_SINK_TOKEN} #${n}`);
          // Both shapes the connector takes: one item carrying the event id, or a records array.
          return n % 2 === 0
            ? { eventId: `${prefix}-f${n}`, ...item }
            : { eventId: `${prefix}-f${n}`, records: [item, { ...item, ticketNumber: `${prefix}-F${n}b` }] };
        },
      });
    });

    it('fuzzed crm webhook bodies: the same, through the CRM mapping', async () => {
      // A different person for every input: what the fuzzing gets accepted is never gathered into one golden record.
      const customers = seededCrmCustomers(FUZZ_RUNS, 77);
      await fuzzWebhook({
        label: 'crm',
        instance: names.crm,
        secret: secrets.REL_CRM_WEBHOOK_SECRET,
        topic: CUSTOMER_TOPIC,
        seed: 20260302,
        sourceSystem: names.crm,
        baseBody: (n) => {
          const customer = { ...customers[n % customers.length]!, custNo: `${prefix}-C${n}`, lastModified: '2026-03-01T08:00:00.000Z' };
          return n % 3 === 0
            ? {
                eventId: `${prefix}-c${n}`,
                eventType: 'CustomerMerged',
                occurredAt: '2026-03-01T08:00:00.000Z',
                customer,
                mergedCustNo: `${prefix}-M${n}`,
              }
            : {
                eventId: `${prefix}-c${n}`,
                eventType: n % 3 === 1 ? 'CustomerCreated' : 'CustomerUpdated',
                traceId: `trace-${n}`,
                customer,
              };
        },
      });
    });

    it('refuses a body over maxBodyBytes with 413 and produces nothing; a record too large for the broker is dead-lettered by the flow with a clear reason, and the next record passes', async () => {
      const body = (eventId: string, ticket: string, description: string) =>
        Buffer.from(JSON.stringify({ eventId, ...serviceRequest(ticket, description) }));
      const envelope = body(`${prefix}-o0`, `${prefix}-O0`, '').length;
      // Exactly at the limit is accepted, one byte over is not: the limit is the instance's own, not a guess.
      const atLimit = body(`${prefix}-o1`, `${prefix}-O1`, 'x'.repeat(FUZZ_MAX_BODY - envelope));
      const overLimit = body(`${prefix}-o2`, `${prefix}-O2`, 'x'.repeat(FUZZ_MAX_BODY - envelope + 1));
      const overDefault = body(`${prefix}-o3`, `${prefix}-O3`, 'x'.repeat(DEFAULT_MAX_BODY - envelope + 1));
      expect([atLimit.length, overLimit.length, overDefault.length]).to.deep.equal([
        FUZZ_MAX_BODY,
        FUZZ_MAX_BODY + 1,
        DEFAULT_MAX_BODY + 1,
      ]);
      const atLimitAnswer = await post(webhookUrl(names.fuzz), atLimit, signed(secrets.REL_FUZZ_SECRET, atLimit));
      expect(atLimitAnswer.status, JSON.stringify(atLimitAnswer.body)).to.equal(200);
      const refusals = [
        await post(webhookUrl(names.fuzz), overLimit, signed(secrets.REL_FUZZ_SECRET, overLimit)),
        await post(webhookUrl(names.big), overDefault, signed(secrets.REL_BIG_SECRET, overDefault)),
      ];
      for (const refusal of refusals) {
        expect(refusal.status, JSON.stringify(refusal.body)).to.equal(413);
        expect(clearError(refusal)).to.equal(undefined);
        expect((refusal.body as { error: { code: string } }).error.code).to.equal('BODY_TOO_LARGE');
      }

      // 900 KB of description fits the broker; the flow doubles it to 1.8 MB, which does not.
      const huge = body(`${prefix}-big1`, `${prefix}-BIG1`, '长'.repeat(300_000));
      expect(huge.length).to.be.within(900_000, DEFAULT_MAX_BODY);
      const hugeAnswer = await post(webhookUrl(names.big), huge, signed(secrets.REL_BIG_SECRET, huge));
      expect(hugeAnswer.status, JSON.stringify(hugeAnswer.body)).to.equal(200);
      const small = body(`${prefix}-big2`, `${prefix}-BIG2`, '小');
      expect((await post(webhookUrl(names.big), small, signed(secrets.REL_BIG_SECRET, small))).status).to.equal(200);

      const deadLetterTopic = `dlq.flow.${names.oversizeFlow}`;
      // The flow's counters say when to look; the topics then say what happened.
      let flowState: unknown;
      await waitFor(
        async () => {
          flowState = (await axios.get(`${base}/api/flows/${names.oversizeFlow}`, admin())).data;
          const counters = (flowState as { counters?: { deadLettered: number; recordsOut: number } }).counters;
          await sleep(500);
          return (counters?.deadLettered ?? 0) >= 1 && (counters?.recordsOut ?? 0) >= 1;
        },
        90_000,
        () => `the 1.8 MB record dead-lettered and the next one through (flow: ${String(JSON.stringify(flowState)).slice(0, 800)})`,
      );
      const letters = (await kafka.readToEnd(deadLetterTopic)).filter((record) => record.key?.toString() === `${prefix}-BIG1`);
      const outputs = await kafka.readToEnd(names.doubledTopic);
      expect(letters).to.have.length(1);
      const [letter] = letters;
      const reason = `${letter!.headers[DEAD_LETTER_HEADER.errorCode]}: ${letter!.headers[DEAD_LETTER_HEADER.errorMessage]}`;
      expect(letter!.headers[DEAD_LETTER_HEADER.retriable]).to.equal('false');
      expect(reason, 'a reason that says the record is too large').to.match(/too large|larger|max(imum)? (message|record) size/i);
      expect(letter!.value!.length, 'the dead letter keeps the original 900 KB record, which does fit').to.be.above(850_000);
      expect(outputs.map((record) => record.key?.toString()))
        .to.include(`${prefix}-BIG2`)
        .and.not.include(`${prefix}-BIG1`);
      const passed = outputs.find((record) => record.key?.toString() === `${prefix}-BIG2`)!;
      expect(((await serde.decode(passed.value)).value as { description: string }).description).to.equal('小小');
      const flow = (await axios.get(`${base}/api/flows/${names.oversizeFlow}`, admin())).data as {
        state: string;
        counters: { deadLettered: number };
      };
      expect(flow.state).to.equal('running');
      expect(flow.counters.deadLettered).to.be.at.least(1);

      // Nothing of the refused bodies reached the topic; the accepted ones did.
      const events = new Set((await kafka.readToEnd(SERVICE_TOPIC)).map((record) => record.headers[HEADER.eventId]));
      expect([...events].filter((event) => event === `${prefix}-o2` || event === `${prefix}-o3`)).to.deep.equal([]);
      expect(events.has(`${prefix}-o1`) && events.has(`${prefix}-big1`)).to.equal(true);
      process.stdout.write(
        `reliability: oversize — webhook bodies 1 byte over maxBodyBytes (${FUZZ_MAX_BODY / 1024} KiB, default 1 MiB) refused with 413, 0 produced, a body exactly at the limit accepted; a 900 KB record doubled to ${((2 * 900_000) / 1e6).toFixed(1)} MB by a flow dead-lettered (${reason.slice(0, 160)}), the next record through, flow ${flow.state}\n`,
      );
    });
  });

  describe('security', () => {
    it('refuses webhooks whose HMAC signature is wrong, missing, malformed, for another body or outside the time window with 401, and produces nothing', async () => {
      const secret = secrets.REL_FUZZ_SECRET;
      const now = Math.floor(Date.now() / 1000);
      const forged: { name: string; code: string; instance?: string; signature: (body: Buffer) => string | undefined }[] = [
        { name: 'signed with another secret', code: 'SIGNATURE_MISMATCH', signature: (body) => signWebhook(`${secret}x`, body) },
        {
          name: "signed with another instance's secret",
          code: 'SIGNATURE_MISMATCH',
          instance: names.crm,
          signature: (body) => signWebhook(secret, body),
        },
        { name: 'no signature', code: 'SIGNATURE_MISSING', signature: () => undefined },
        {
          name: 'expired: tolerance + 60 s ago',
          code: 'SIGNATURE_EXPIRED',
          signature: (body) => signWebhook(secret, body, now - 300 - 60),
        },
        {
          name: 'from the future: tolerance + 60 s ahead',
          code: 'SIGNATURE_EXPIRED',
          signature: (body) => signWebhook(secret, body, now + 300 + 60),
        },
        { name: 'malformed header', code: 'SIGNATURE_MALFORMED', signature: () => 'v1=deadbeef' },
        { name: 'empty signature', code: 'SIGNATURE_MISMATCH', signature: () => `t=${now},v1=` },
        {
          name: 'signature of another body',
          code: 'SIGNATURE_MISMATCH',
          signature: (body) => signWebhook(secret, Buffer.concat([body, Buffer.from(' ')])),
        },
        {
          name: 'old signature with its timestamp moved into the window',
          code: 'SIGNATURE_MISMATCH',
          signature: (body) => signWebhook(secret, body, now - 3600).replace(`t=${now - 3600}`, `t=${now}`),
        },
      ];
      const refused: string[] = [];
      for (const [n, attempt] of forged.entries()) {
        const eventId = `${prefix}-s${n}`;
        const body = Buffer.from(
          JSON.stringify({
            eventId,
            ...serviceRequest(`${prefix}-S${n}`, attempt.name),
            customer: { custNo: `${prefix}-S${n}` },
            eventType: 'CustomerUpdated',
          }),
        );
        const signature = attempt.signature(body);
        const answer = await post(webhookUrl(attempt.instance ?? names.fuzz), body, {
          'content-type': 'application/json',
          ...(signature === undefined ? {} : { [SIGNATURE_HEADER]: signature }),
        });
        expect(answer.status, `${attempt.name}: ${JSON.stringify(answer.body)}`).to.equal(401);
        expect(clearError(answer), attempt.name).to.equal(undefined);
        expect((answer.body as { error: { code: string } }).error.code, attempt.name).to.equal(attempt.code);
        // The refusal must not teach the sender the signature it should have sent.
        expect(JSON.stringify(answer.body)).not.to.contain(signWebhook(secret, body, now).split('v1=')[1]);
        refused.push(eventId);
      }
      // The genuine article, signed near the edge of the window, is accepted: the refusals were for the signature alone.
      const controlId = `${prefix}-s-ok`;
      const control = Buffer.from(JSON.stringify({ eventId: controlId, ...serviceRequest(`${prefix}-SOK`, 'genuine') }));
      const controlAnswer = await post(webhookUrl(names.fuzz), control, signed(secret, control, {}, now - 240));
      expect(controlAnswer.status, JSON.stringify(controlAnswer.body)).to.equal(200);
      let events = new Set<string | undefined>();
      await waitFor(
        async () => {
          events = new Set(
            [...(await kafka.readToEnd(SERVICE_TOPIC)), ...(await kafka.readToEnd(CUSTOMER_TOPIC))].map(
              (record) => record.headers[HEADER.eventId],
            ),
          );
          return events.has(controlId);
        },
        30_000,
        () => 'the genuine event on the topic',
      );
      const produced = refused.filter((event) => events.has(event));
      expect(produced, 'refused events that reached a topic').to.deep.equal([]);
      process.stdout.write(
        `reliability: webhook signatures — ${forged.length} forged requests (${forged.map((attempt) => attempt.name).join(', ')}) refused with 401 and a code naming why, ${produced.length} produced; the genuine control accepted and on the topic\n`,
      );
    });

    it('never shows a planted secret in any form in logs, API answers for every role, /metrics or dead letters, even when a target quotes it back encoded', async () => {
      // Errors that carry the secrets: the sinks' target answers 401 quoting what it got (plain, JSON, base64, URL-encoded), and so does the "CRM" the crm instance polls.
      const sinks = [names.leaky, names.userinfo, names.basic, names.hmac];
      for (let n = 1; n <= LEAK_RECORDS; n++) {
        const leak = Buffer.from(
          JSON.stringify({
            eventId: `${prefix}-leak${n}`,
            ...serviceRequest(`${prefix}-LEAK${n}`, 'a request for a target that quotes credentials back'),
          }),
        );
        const leakAnswer = await post(webhookUrl(names.big), leak, signed(secrets.REL_BIG_SECRET, leak));
        expect(leakAnswer.status, JSON.stringify(leakAnswer.body)).to.equal(200);
      }
      const sinkLetters = async () =>
        (await kafka.readToEnd(`dlq.${names.leaky}`)).filter((record) => record.key?.toString() === `${prefix}-LEAK1`);
      const deadLettered = async (sink: string) =>
        ((await axios.get(`${base}/api/connectors/${sink}`, admin())).data as { counters?: { deadLettered: number } }).counters
          ?.deadLettered ?? 0;
      await waitFor(
        async () => {
          await sleep(500);
          return (await Promise.all(sinks.map(deadLettered))).every((count) => count >= LEAK_RECORDS);
        },
        90_000,
        () => `every sink's dead letters (the target got ${echo.received.length} requests)`,
      );
      // The mechanism really happened: the targets were sent the real credentials, refused them and quoted them back in every form.
      expect(echo.received).to.include(`Bearer ${secrets.REL_SINK_TOKEN}`).and.to.include(`Bearer ${secrets.REL_CRM_TOKEN}`);
      expect(echo.received).to.include(`Basic ${Buffer.from(`${BASIC_USER}:${secrets.REL_BASIC_PASSWORD}`).toString('base64')}`);
      expect(echo.received).to.include(`Basic ${Buffer.from(`${BASIC_USER}:${secrets.REL_URL_PASSWORD}`).toString('base64')}`);
      for (const path of ['bearer', 'userinfo', 'basic'])
        expect(new Set(echo.answered.get(path)), path).to.have.property('size', ECHO_FORMS.length);
      const [letter] = await sinkLetters();
      expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_401');
      expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage], "the target's answer is kept, for the operator")
        .to.contain('invalid')
        .and.to.contain('[redacted]');

      // Replayed through the API, it fails again: a second dead letter, and a replay record to look at.
      const letterId = `${letter!.topic}:${letter!.partition}:${letter!.offset}`;
      const replay = await axios.post(`${base}/api/dead-letters/replays`, { ids: [letterId] }, admin(apiTokens.operator));
      expect(replay.status, JSON.stringify(replay.data)).to.equal(202);
      const replayId = (replay.data as { id: string }).id;
      await waitFor(
        async () => {
          await sleep(500);
          return (await deadLettered(names.leaky)) >= LEAK_RECORDS + 1;
        },
        60_000,
        () => 'the replayed record dead-lettered again',
      );
      // At least once: a redelivered batch may hand the record to the sink once more.
      expect((await sinkLetters()).length).to.be.at.least(2);

      const planted: Record<string, string> = {
        ...secrets,
        'literal api_key': literalApiKey,
        ...Object.fromEntries(Object.entries(apiTokens).map(([role, token]) => [`${role} API token`, token])),
      };
      const leaks = new Set<string>();
      let inspected = 0;
      const inspect = (where: string, text: string) => {
        inspected += text.length;
        // Read the text as whoever would try to recover a secret from it: URL-decoded, JSON-unescaped and every base64 run decoded, at each alignment.
        const views = [
          text,
          urlDecoded(text),
          jsonUnescaped(jsonUnescaped(text)),
          base64Decoded(text),
          base64Decoded(jsonUnescaped(text)),
        ].join('\n');
        for (const [name, secret] of Object.entries(planted)) {
          const forms = [
            secret,
            Buffer.from(secret).toString('base64'),
            Buffer.from(secret).toString('base64url'),
            encodeURIComponent(secret),
            JSON.stringify(secret).slice(1, -1),
            Buffer.from(`${BASIC_USER}:${secret}`).toString('base64'),
          ];
          if (forms.some((form) => text.includes(form)) || views.includes(secret)) leaks.add(`${name} in ${where}`);
        }
      };

      // Every GET route of the API, for each role, parameters filled with what this hub has.
      const document = (await axios.get(`${base}/openapi.json`)).data as {
        paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>;
      };
      const pathValues: Record<string, string[]> = {
        name: [...sinks, names.fuzz, names.crm, names.big, names.oversizeFlow, names.leakFlow],
        id: [letterId, replayId],
        goldenId: ['no-such-customer'],
        asset: ['dashboard.js', 'dashboard.css'],
      };
      const queryValues: Record<string, string> = {
        q: `${prefix}-LEAK1`,
        correlationId: letter!.headers[HEADER.correlationId] ?? 'x',
        key: `${prefix}-LEAK1`,
        values: 'true',
        topic: `dlq.${names.leaky}`,
      };
      const answers: { role: string; url: string; status: number }[] = [];
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        for (const [route, operations] of Object.entries(document.paths)) {
          const get = operations.get;
          if (!get) continue;
          let urls = [route];
          for (const [param, values] of Object.entries(pathValues))
            if (route.includes(`{${param}}`))
              urls = urls.flatMap((url) => values.map((value) => url.replace(`{${param}}`, encodeURIComponent(value))));
          const query = new URLSearchParams(
            Object.fromEntries(
              (get.parameters ?? [])
                .filter((p) => p.in === 'query' && queryValues[p.name] !== undefined)
                .map((p) => [p.name, queryValues[p.name]!]),
            ),
          );
          for (const url of urls) {
            const answer = await axios.get(`${base}${url}${query.size > 0 ? `?${query}` : ''}`, {
              ...admin(apiTokens[role]),
              responseType: 'text',
              transformResponse: [(data: unknown) => data],
            });
            answers.push({ role, url, status: answer.status });
            inspect(`GET ${url} as ${role} (${answer.status})`, `${JSON.stringify(answer.headers)}\n${String(answer.data)}`);
          }
        }
      }
      const ok = answers.filter((answer) => answer.status === 200);
      expect(ok.filter((answer) => answer.role === 'viewer').length, JSON.stringify(answers)).to.be.at.least(15);
      expect(
        answers.filter((answer) => answer.status >= 500 && !answer.url.startsWith('/ready')),
        'GET routes that failed',
      ).to.deep.equal([]);
      // The error really is on show where an operator looks, only without the credentials; and a viewer sees each sink's config with every secret and ${ENV} value redacted.
      const sink = (await axios.get(`${base}/api/connectors/${names.leaky}`, admin(apiTokens.viewer))).data as {
        lastError?: { message: string };
        config?: { config: Record<string, unknown> };
      };
      expect(sink.lastError?.message ?? '')
        .to.contain('401')
        .and.to.contain('/bearer/');
      expect(sink.config?.config).to.deep.include({
        url: `${echo.url}/bearer/{key}?tenant=[redacted]`,
        headers: { 'X-Api-Key': '[redacted]' },
        auth: { type: 'bearer', token: '[redacted]' },
      });
      const userinfo = (await axios.get(`${base}/api/connectors/${names.userinfo}`, admin(apiTokens.viewer))).data as {
        config?: { config: Record<string, unknown> };
      };
      expect(userinfo.config?.config.url).to.equal(
        `${echo.url.replace('://', '://[redacted]@')}/userinfo/{key}?token=[redacted]&api_key=[redacted]`,
      );
      const basic = (await axios.get(`${base}/api/connectors/${names.basic}`, admin(apiTokens.viewer))).data as {
        config?: { config: Record<string, unknown> };
      };
      expect(basic.config?.config.auth).to.deep.equal({ type: 'basic', username: BASIC_USER, password: '[redacted]' });

      const metrics = await axios.get(`${base}/metrics`, { responseType: 'text', transformResponse: [(data: unknown) => data] });
      inspect('/metrics', String(metrics.data));
      expect(String(metrics.data)).to.contain('HTTP_401');

      // Every dead-letter topic of this hub: headers and values.
      const deadLetterTopics = [names.fuzz, names.crm, names.big, ...sinks]
        .map((name) => `dlq.${name}`)
        .concat([names.oversizeFlow, names.leakFlow].map((name) => `dlq.flow.${name}`));
      let deadLetters = 0;
      for (const topic of deadLetterTopics) {
        for (const record of await kafka.readToEnd(topic).catch(() => [])) {
          deadLetters++;
          inspect(
            `dead letter ${topic}:${record.partition}:${record.offset}`,
            `${JSON.stringify(record.headers)}\n${record.value?.toString('latin1') ?? ''}\n${record.value?.toString('utf8') ?? ''}`,
          );
        }
      }

      const logs = hubOutput();
      inspect("the hub's logs", logs);
      // The errors that quoted the credentials were logged, redacted.
      expect(logs).to.contain(names.leaky).and.to.contain('401');
      expect(logs).to.contain('[redacted]');
      process.stdout.write(
        `reliability: secrets — ${Object.keys(planted).length} planted (${Object.keys(secrets).length} through \${ENV}: 3 webhook secrets, 2 bearer tokens, an X-Api-Key header, a URL's user info and query token, a non-secret-looking query value, a Basic password, an HMAC key; 1 literal api_key; 3 API tokens); the targets were sent them and quoted them back ${echo.received.length} times in ${ECHO_FORMS.length} forms (${ECHO_FORMS.join(', ')}); ${leaks.size} found (plain, base64, URL-encoded, JSON-escaped) in ${(logs.length / 1024).toFixed(0)} KiB of logs, ${answers.length} API answers for 3 roles (${ok.length} of them 200) from every GET route, /metrics and ${deadLetters} dead letters (headers and values), ${(inspected / 1024 / 1024).toFixed(1)} MiB read\n`,
      );
      expect(leaks.size, `leaks: ${[...leaks].join('; ')}`).to.equal(0);
    });

    it('enforces body size limits with 413 on every admin API route that takes a body and on every webhook', async () => {
      const document = (await axios.get(`${base}/openapi.json`)).data as {
        paths: Record<string, Record<string, { requestBody?: unknown }>>;
      };
      const twoMiB = Buffer.from(JSON.stringify({ ids: Array.from({ length: 140_000 }, (_, n) => `dlq.x:0:${n}`) }));
      expect(twoMiB.length).to.be.above(2 * 1024 * 1024);
      const refused: string[] = [];
      for (const [route, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (!operation.requestBody || route.startsWith('/webhooks/')) continue;
          const url = `${base}${route.replace(/\{[^}]+\}/g, 'x')}`;
          const answer = await post(url, twoMiB, { 'content-type': 'application/json', Authorization: `Bearer ${apiTokens.admin}` });
          expect(answer.status, `${method} ${route}: ${JSON.stringify(answer.body).slice(0, 300)}`).to.equal(413);
          expect(clearError(answer), route).to.equal(undefined);
          expect((answer.body as { error: { code: string } }).error.code).to.equal('BODY_TOO_LARGE');
          refused.push(`${method.toUpperCase()} ${route}`);
        }
      }
      // With the customer view off in this hub, the replay is the route with a body (and the largest limit, 512 KiB).
      expect(refused, 'routes with a body').to.include('POST /api/dead-letters/replays');
      const webhooks = [names.fuzz, names.crm, names.big];
      for (const instance of webhooks) {
        const answer = await post(
          webhookUrl(instance),
          twoMiB,
          signed(
            instance === names.crm
              ? secrets.REL_CRM_WEBHOOK_SECRET
              : instance === names.big
                ? secrets.REL_BIG_SECRET
                : secrets.REL_FUZZ_SECRET,
            twoMiB,
          ),
        );
        expect(answer.status, instance).to.equal(413);
        expect(clearError(answer), instance).to.equal(undefined);
      }
      const unknown = await post(webhookUrl('no-such-instance'), twoMiB, { 'content-type': 'application/json' });
      expect(unknown.status).to.equal(404);
      const health = await axios.get(`${base}/health`, { validateStatus: () => true, timeout: 20_000 });
      expect(health.status).to.equal(200);
      process.stdout.write(
        `reliability: body size limits — a ${(twoMiB.length / 1024 / 1024).toFixed(1)} MiB body refused with 413 BODY_TOO_LARGE by ${refused.length} admin API route${refused.length === 1 ? '' : 's'} (${refused.join(', ')}) and ${webhooks.length} webhooks; /health ${health.status}\n`,
      );
    });
  });
});

/**
 * What a request deserves, in the order the hub checks: the size limit (before anything is read),
 * the signature, JSON, the event id; past those it is the connector's schema and the topic's Avro
 * schema that decide, and only a 2xx, a 400 or a 422 is right.
 */
function expectedStatuses(input: WebhookFuzzInput, maxBodyBytes: number): number[] {
  // A body that says it is compressed but is not: the decoder's refusal, 400 or 415 (or 413 first when large).
  if (input.headers['content-encoding'] !== undefined) return [400, 413, 415];
  if (input.body.length > maxBodyBytes) return [413];
  if (input.signature !== 'valid') return [401];
  // Read strictly in the declared charset, UTF-8 by default (a UTF-8 byte order mark overrides the label, as in the
  // WHATWG Encoding Standard): the fuzzer declares UTF-8 or UTF-16, which is not read.
  const charset = /charset=([^;\s]+)/i.exec(input.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  const utf8Bom = input.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
  if (!utf8Bom && charset !== undefined && charset !== 'utf-8') return [415];
  let parsed: unknown;
  try {
    // Invalid UTF-8 is refused, not patched with U+FFFD; a byte order mark is dropped (TextDecoder does both).
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(input.body));
  } catch {
    return [400];
  }
  const eventId = (parsed as { eventId?: unknown } | null)?.eventId;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof eventId !== 'string' || eventId === '') return [400];
  // Whatever the hub's own limit, a thousand levels is no event: the sender's fault, not a reason to send again.
  if (nestingOf(parsed) > 1000) return [400];
  return [200, 400, 422];
}

/** How deep a parsed JSON value nests, without recursion (the values fuzzed here are deeper than the stack). */
function nestingOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The text with every run of %XX escapes decoded, as a URL parser would. */
function urlDecoded(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The text with JSON string escapes undone (\u, \", \/ and \\). */
function jsonUnescaped(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\(["\\/])/g, '$1');
}

/** Every run of base64 (standard or URL-safe) characters decoded, from each of its first four characters, so that a secret at any alignment shows. */
function base64Decoded(text: string): string {
  const decoded: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}/g) ?? [])
    for (let start = 0; start < 4; start++) decoded.push(Buffer.from(run.slice(start), 'base64').toString('utf8'));
  return decoded.join('\n');
}
