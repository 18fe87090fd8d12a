import type { Command } from 'commander';
import { HubApiClient, withHubOptions, type HubApiOptions } from './hub-api-client.js';

export function addCustomerCommand(program: Command): void {
  withHubOptions(program.command('customer <identifier>'))
    .description(
      'look a customer up in the single customer view of a running hub by any identifier: ID number, mobile, plate, e-mail, policy number, system id (crm:C123 or C123) or golden id; exit 3 when unknown',
    )
    .option('--json', 'print the whole answer as JSON')
    .action(async (identifier: string, options: HubApiOptions & { json?: boolean }) => {
      const hub = new HubApiClient(options);
      const { status } = await hub.request('get', '/api/customers/lookup', { params: { q: identifier } });
      if (status === 404) {
        process.stderr.write(`crm-hub: no customer is known by ${identifier}\n`);
        process.exitCode = 3;
        return;
      }
      const data = await hub.expectOk<{ matches: Record<string, unknown>[] }>('get', '/api/customers/lookup', {
        params: { q: identifier },
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      for (const match of data.matches) process.stdout.write(`${describeProfile(match)}\n`);
    });

  withHubOptions(program.command('renewals'))
    .description("the renewal list of a running hub: in-force policies expiring within N days with the holder's contact and value segment")
    .option('--within <days>', 'days ahead', '60')
    .option('--as-of <date>', 'the day to count from (YYYY-MM-DD), default today')
    .option('--csv', 'print CSV (as the API serves it) instead of a table')
    .action(async (options: HubApiOptions & { within: string; asOf?: string; csv?: boolean }) => {
      const params: Record<string, string> = { withinDays: options.within, format: options.csv ? 'csv' : 'json' };
      if (options.asOf) params.asOf = options.asOf;
      const data = await new HubApiClient(options).expectOk<unknown>('get', '/api/renewals', {
        params,
        responseType: options.csv ? 'text' : 'json',
      });
      if (options.csv) {
        process.stdout.write(String(data));
        return;
      }
      const list = data as { asOf: string; rows: Record<string, unknown>[] };
      process.stdout.write(`${list.rows.length} policies expire within ${options.within} days of ${list.asOf}\n`);
      for (const row of list.rows)
        process.stdout.write(
          `${row.expiryDate}  ${row.policyNumber}  ${row.productLine}  ${row.premium} ${row.currency}  ${row.holderName ?? '?'}  ${row.mobile ?? ''}  ${row.valueSegment ?? ''}\n`,
        );
    });
}

function describeProfile(profile: Record<string, unknown>): string {
  const golden = profile.golden as Record<string, unknown>;
  const segment = (profile.segment as Record<string, unknown> | null)?.segment ?? 'UNCLASSIFIED';
  const risk = profile.risk as Record<string, unknown> | null;
  const lines = [
    `${golden.fullName ?? '(no name)'}  golden ${golden.goldenId}${(profile.mergedFrom as string[]).length ? ` (merged from ${(profile.mergedFrom as string[]).join(', ')})` : ''}`,
    `  ID ${golden.idNumber ?? '-'}  born ${golden.birthDate ?? '-'}  mobile ${golden.mobile ?? '-'}  e-mail ${golden.email ?? '-'}`,
    `  segment ${segment}  risk ${risk ? `${risk.level} (loss ratio ${risk.lossRatio ?? '-'})` : '-'}`,
    `  policies ${(golden.policyNumbers as string[]).join(', ') || '-'}  plates ${(golden.vehiclePlates as string[]).join(', ') || '-'}`,
    '  known as:',
    ...(profile.crossReferences as { system: string; systemId: string; matchedOn: string; confidence: number }[]).map(
      (ref) => `    ${ref.system} ${ref.systemId}  (${ref.matchedOn}, ${ref.confidence})`,
    ),
    '  recent events:',
    ...(profile.recentEvents as Record<string, unknown>[]).map(
      (event) => `    ${event.occurredAt}  ${event.eventType}  ${event.reference}  [${event.correlationId}]`,
    ),
  ];
  return lines.join('\n');
}
