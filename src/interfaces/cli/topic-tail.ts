import path from 'node:path';
import { AvroSerde } from '../../platform/avro/avro-serde.js';
import { closestNames } from '../../core/closest-names.js';
import { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../platform/avro/schema-registry-client.js';
import { ROLE_RANK, type Principal, type Role } from '../api/api-route.js';
import { PersonalDataView } from '../api/personal-data-view.js';
import { ConfigError } from '../../core/hub-error.js';
import { projectRoot } from '../../platform/infra/project-root.js';
import { KafkajsClient } from '../../platform/kafka/kafkajs-client.js';
import { errorText, HubApiClient, HubRequestError } from './hub-api-client.js';
import { TailedRecordReader, tailedRecordLine } from './tailed-record.js';

export interface TailOptions {
  fromBeginning?: boolean;
  key?: string;
  count?: string;
  json?: boolean;
  unmasked?: boolean;
  brokers?: string;
  registry?: string;
  schemas?: string;
  hub?: string;
  token?: string;
}

/**
 * `crm-hub tail <topic>`: the records of a topic as people read them, one line each, decoded from
 * Avro (through the registry) or JSON, with personal data masked as a viewer sees it in the API.
 * `--unmasked` shows it whole only to a token the running hub confirms as operator or admin: the
 * CLI cannot know who runs it, the hub knows its tokens. Starts at the end and follows until Ctrl-C,
 * or from the beginning; `--count` stops after that many records shown.
 */
export async function tailTopic(topic: string, options: TailOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const count = options.count === undefined ? undefined : Number(options.count);
  if (count !== undefined && !(Number.isInteger(count) && count > 0))
    throw new ConfigError('COUNT_INVALID', `--count must be a whole number above 0, not ${JSON.stringify(options.count)}`);
  const hubApi = new HubApiClient({ hub: options.hub, token: options.token }, env);
  const principal = options.unmasked ? await confirmedOperator(hubApi) : undefined;
  const catalog = await SchemaCatalog.load(path.resolve(options.schemas ?? env.CRM_HUB_SCHEMAS_DIR ?? path.join(projectRoot(), 'schemas')));
  const { brokers, registryUrl, registryMissing } = await endpoints(options, env, hubApi);

  let serde: AvroSerde | undefined;
  const reader = new TailedRecordReader(topic, catalog, new PersonalDataView(catalog), principal, () => {
    if (!registryUrl) throw registryMissing;
    // Reading never registers anything.
    serde ??= new AvroSerde(new SchemaRegistryClient(registryUrl), { autoRegister: false });
    return serde;
  });
  if (reader.declaredFormat === 'avro' && !registryUrl) throw registryMissing;

  const client = new KafkajsClient({ brokers, clientId: 'crm-hub-tail', requestRetries: 2 });
  const admin = await client.admin();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      const suggestions = closestNames(
        topic,
        topics.filter((name) => !name.startsWith('__')),
      );
      throw new ConfigError(
        'TOPIC_NOT_FOUND',
        `topic ${topic} does not exist on ${brokers.join(',')}${suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : ''}`,
      );
    }
  } finally {
    await admin.disconnect();
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stderr.write(
    `crm-hub: tailing ${topic} from ${options.fromBeginning ? 'its beginning' : 'its end'}${options.key === undefined ? '' : ` for key ${options.key}`} on ${brokers.join(',')}${principal ? `, personal data shown to ${principal.name} (${principal.role})` : ', personal data masked'}${count === undefined ? '; Ctrl-C stops' : ''}\n`,
  );
  let shown = 0;
  try {
    await client.follow(topic, { fromBeginning: options.fromBeginning ?? false, signal: stop.signal }, async (record) => {
      if (options.key !== undefined && record.key?.toString('utf8') !== options.key) return;
      if (count !== undefined && shown >= count) return;
      shown++;
      const tailed = await reader.read(record);
      process.stdout.write(`${options.json ? JSON.stringify(tailed) : tailedRecordLine(tailed)}\n`);
      if (count !== undefined && shown >= count) stop.abort();
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The caller's token as the running hub knows it, refused unless operator or admin. */
async function confirmedOperator(hubApi: HubApiClient): Promise<Principal> {
  const { status, data } = await hubApi.request<{ name?: string; role?: Role }>('get', '/api/whoami');
  const refuse = (why: string) =>
    new ConfigError(
      'UNMASKED_REFUSED',
      `--unmasked shows personal data to operator and admin tokens only: ${why}; without --unmasked it is shown masked`,
    );
  if (status === 401)
    throw refuse(`the hub at ${hubApi.baseUrl} does not accept the token given (${errorText(data)}); pass --token or set CRM_HUB_TOKEN`);
  if (status === 404)
    throw refuse(`the hub at ${hubApi.baseUrl} cannot say whose the token is (no /api/whoami: a hub older than this CLI?)`);
  if (status !== 200 || !data.name || !data.role || !(data.role in ROLE_RANK))
    throw new HubRequestError(`GET /api/whoami: the hub answered ${status} ${errorText(data)}`, status >= 500, status);
  if (ROLE_RANK[data.role] < ROLE_RANK.operator) throw refuse(`the hub says token ${data.name} has the ${data.role} role`);
  return { name: data.name, role: data.role };
}

/**
 * Where to read, in order: --brokers / --registry, KAFKA_BROKERS / SCHEMA_REGISTRY_URL, else what
 * the running hub's /health names, so that `crm-hub tail` works next to `npm start` with no setup.
 * A missing registry is an error only once an Avro record needs it.
 */
async function endpoints(
  options: TailOptions,
  env: NodeJS.ProcessEnv,
  hubApi: HubApiClient,
): Promise<{ brokers: string[]; registryUrl: string | undefined; registryMissing: ConfigError }> {
  let brokersText = options.brokers ?? env.KAFKA_BROKERS;
  let registryUrl = options.registry ?? env.SCHEMA_REGISTRY_URL;
  if (!brokersText || !registryUrl) {
    const health = await hubApi
      .request<{ kafka?: { brokers?: string[] }; schemaRegistry?: { url?: string } }>('get', '/health')
      .catch(() => undefined);
    brokersText ||= health?.data?.kafka?.brokers?.join(',');
    registryUrl ||= health?.data?.schemaRegistry?.url;
  }
  const brokers = (brokersText ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0)
    throw new ConfigError(
      'KAFKA_BROKERS_MISSING',
      `no Kafka given: pass --brokers host:port, set KAFKA_BROKERS, or start the hub (npm start) so that ${hubApi.baseUrl}/health names its brokers`,
    );
  const registryMissing = new ConfigError(
    'SCHEMA_REGISTRY_URL_MISSING',
    `no schema registry to decode Avro with: pass --registry <url>, set SCHEMA_REGISTRY_URL, or start the hub (npm start) so that ${hubApi.baseUrl}/health names its registry`,
  );
  return { brokers, registryUrl: registryUrl ? registryUrl.replace(/\/$/, '') : undefined, registryMissing };
}
