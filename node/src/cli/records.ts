// Record commands (docs/protocol.md §10): publish, amend, status-change, renew, final-assessment, records.
import type { Command } from 'commander';
import { operatorClient, type OperatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { table } from './table.js';

interface VersionResult {
  id: string;
  version: number;
  record: { status: string; changeType: string };
}

interface Summary {
  id: string;
  type: string;
  version: number;
  origin: string;
  status: string;
  labels: string[];
  record: Record<string, any>;
}

function done(r: VersionResult, what: string): void {
  process.stderr.write(`${what} ${r.id} version ${r.version} (${r.record.changeType}, ${r.record.status})\n`);
  process.stdout.write(r.id + '\n');
}

function ifMatch(v?: string): Record<string, string> {
  return v ? { 'if-match': `"${v}"` } : {};
}

/** CSV pages (`Link: rel="next"` with --all) to stdout, the header once; withheld rows counted on stderr. */
async function printCsv(client: OperatorClient, first: string, all: boolean): Promise<void> {
  let withheld = 0;
  let path: string | undefined = first;
  for (let page = 0; path; page++) {
    const { text, headers } = await client.text('GET', path, undefined, { accept: 'text/csv' });
    process.stdout.write(page === 0 ? text : text.slice(text.indexOf('\r\n') + 2));
    withheld += Number(headers.get('x-entente-withheld') ?? 0);
    const next = /<([^>]+)>; rel="next"/.exec(headers.get('link') ?? '')?.[1];
    if (next && !all) process.stderr.write('more records: --all, or --limit\n');
    path = all ? next : undefined;
  }
  if (withheld > 0) process.stderr.write(`${withheld} record(s) above this token's TLP allowance left out\n`);
}

export function registerRecordCommands(program: Command, kit: CliKit): void {
  program
    .command('publish <file>')
    .description('publish a new record; FILE is {type: "denial"|"finding", record}')
    .addOption(kit.dirOption())
    .option('--alert <level>', 'escalate to every eligible partner: FLASH (at once, ignoring the embargo) or PRIORITY')
    .option('--action <text>', 'with --alert: what allies are asked to do, e.g. "detain shipment on arrival"')
    .option('--alert-expires <timestamp>', 'with --alert: when the alert lapses (RFC 3339 UTC)')
    .action(async (file: string, o: { dir: string; alert?: string; action?: string; alertExpires?: string }) => {
      const body = kit.readJson(file) as { record?: Record<string, unknown> };
      if (o.alert !== undefined) {
        if (!o.action) throw new Error('--alert needs --action "what allies are asked to do"');
        body.record = {
          ...body.record,
          alert: {
            level: o.alert,
            actionRequested: o.action,
            ...(o.alertExpires ? { expiresAt: o.alertExpires } : {}),
          },
        };
      }
      done(await operatorClient(o.dir).call<VersionResult>('POST', '/admin/v1/records', body), 'published');
    });
  program
    .command('amend <id> <file>')
    .description('amend a record; FILE is {record} with the full record of the new version')
    .addOption(kit.dirOption())
    .option('--if-match <version>', 'refuse if the current version is not this one')
    .action(async (id: string, file: string, o: { dir: string; ifMatch?: string }) => {
      done(
        await operatorClient(o.dir).call<VersionResult>(
          'PUT',
          `/admin/v1/records/${encodeURIComponent(id)}`,
          kit.readJson(file),
          ifMatch(o.ifMatch),
        ),
        'amended',
      );
    });
  program
    .command('status-change <id>')
    .description("change a record's status (denial: REVOKED, WITHDRAWN, EXPIRED; finding: forward, or WITHDRAWN)")
    .addOption(kit.dirOption())
    .requiredOption('--status <status>')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .action(async (id: string, o: { dir: string; status: string; reason: string; ifMatch?: string }) => {
      done(
        await operatorClient(o.dir).call<VersionResult>(
          'POST',
          `/admin/v1/records/${encodeURIComponent(id)}/status`,
          { status: o.status, reason: o.reason },
          ifMatch(o.ifMatch),
        ),
        'changed',
      );
    });
  program
    .command('renew <id>')
    .description('renew an ACTIVE denial: move its reviewDueOn')
    .addOption(kit.dirOption())
    .requiredOption('--review-due <date>', 'the new reviewDueOn (YYYY-MM-DD)')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .action(async (id: string, o: { dir: string; reviewDue: string; reason: string; ifMatch?: string }) => {
      done(
        await operatorClient(o.dir).call<VersionResult>(
          'POST',
          `/admin/v1/records/${encodeURIComponent(id)}/status`,
          { renew: { reviewDueOn: o.reviewDue }, reason: o.reason },
          ifMatch(o.ifMatch),
        ),
        'renewed',
      );
    });
  program
    .command('final-assessment <id>')
    .description('final assessment of a licence suspension: its new decisionType')
    .addOption(kit.dirOption())
    .requiredOption('--decision-type <type>')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .action(async (id: string, o: { dir: string; decisionType: string; reason: string; ifMatch?: string }) => {
      done(
        await operatorClient(o.dir).call<VersionResult>(
          'POST',
          `/admin/v1/records/${encodeURIComponent(id)}/status`,
          { finalAssessment: { decisionType: o.decisionType }, reason: o.reason },
          ifMatch(o.ifMatch),
        ),
        'assessed',
      );
    });
  program
    .command('review <id>')
    .description("mark a received record's cross-version findings reviewed (removes its cross-version-violation label)")
    .addOption(kit.dirOption())
    .option('--note <text>')
    .action(async (id: string, o: { dir: string; note?: string }) => {
      const r = await operatorClient(o.dir).call<{
        reviewed: { version: number; violations: { rule: string; pointer: string }[] }[];
      }>('POST', `/admin/v1/records/${encodeURIComponent(id)}/review`, o.note ? { note: o.note } : {});
      for (const e of r.reviewed)
        process.stderr.write(
          `reviewed v${e.version}: ${e.violations.map((v) => `${v.rule} ${v.pointer}`).join(', ')}\n`,
        );
    });
  program
    .command('record <id>')
    .description('one record: current version, history, signatures (JSON)')
    .addOption(kit.dirOption())
    .action(async (id: string, o: { dir: string }) =>
      kit.print(await operatorClient(o.dir).call('GET', `/admin/v1/records/${encodeURIComponent(id)}`)),
    );
  program
    .command('records')
    .description('list own and received records (current versions); reminders for reviews falling due')
    .addOption(kit.dirOption())
    .option('--q <text>', 'text search')
    .option('--type <type>', 'denial or finding')
    .option('--origin <nodeId>')
    .option('--status <status>')
    .option('--destination <cc>')
    .option('--control <prefix>', 'normalised control-code prefix, e.g. 3A001')
    .option('--regime <regime>')
    .option('--limit <n>', 'page size (1..1000)', '100')
    .option('--all', 'follow `next` through every page')
    .option('--json', 'JSON for scripts')
    .option('--csv', "CSV for spreadsheets: one row per record version, within the token's TLP allowance")
    .action(async (o: Record<string, string | boolean | undefined> & { dir: string }) => {
      const client = operatorClient(o.dir);
      const params = new URLSearchParams();
      for (const k of ['q', 'type', 'origin', 'status', 'destination', 'control', 'regime', 'limit']) {
        const v = o[k];
        if (typeof v === 'string') params.set(k, v);
      }
      if (o.csv) return printCsv(client, `/admin/v1/records?${params.toString()}`, o.all === true);
      const items: Summary[] = [];
      let next: string | null = null;
      do {
        if (next) params.set('after', next);
        const page: { items: Summary[]; next: string | null } = await client.call(
          'GET',
          `/admin/v1/records?${params.toString()}`,
        );
        items.push(...page.items);
        next = o.all ? page.next : null;
        if (!o.all && page.next) process.stderr.write(`more records: --all, or --limit\n`);
      } while (next);
      if (o.json) return kit.print({ items });
      const reminders = items.filter(
        (i) =>
          i.labels.includes('review-due-soon') ||
          i.labels.includes('review-overdue') ||
          i.labels.includes('final-assessment-overdue'),
      );
      for (const r of reminders) {
        const what = r.labels.includes('review-overdue')
          ? `review overdue since ${r.record.reviewDueOn}`
          : r.labels.includes('review-due-soon')
            ? `review due on ${r.record.reviewDueOn}`
            : `final assessment overdue since ${r.record.suspension?.finalAssessmentDue}`;
        process.stdout.write(`reminder: ${r.record.originatorReference} (${r.origin}): ${what}\n`);
      }
      if (reminders.length) process.stdout.write('\n');
      process.stdout.write(
        table(
          ['REFERENCE', 'TYPE', 'V', 'STATUS', 'ORIGIN', 'DEST', 'LABELS', 'ID'],
          items.map((i) => [
            String(i.record.originatorReference ?? ''),
            i.type === 'denial' ? String(i.record.decisionType ?? 'denial') : String(i.record.findingType ?? 'finding'),
            String(i.version),
            i.status,
            i.origin,
            String(
              i.record.destinationCountry ?? i.record.routing?.suspectedDestination ?? i.record.location?.country ?? '',
            ),
            i.labels.join(','),
            i.id,
          ]),
        ),
      );
      process.stderr.write(`${items.length} record(s)\n`);
    });
}
