// Record commands (docs/protocol.md §10): publish, amend, status-change, renew, final-assessment, records.
import type { Command } from 'commander';
import { operatorClient, type OperatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';
import { table } from './table.js';

interface VersionResult {
  id: string;
  version: number;
  record: { status: string; changeType: string };
}

interface RecordDetail {
  id: string;
  type: string;
  origin: string;
  labels: string[];
  current: { version: number; record: Record<string, any>; origin: string };
  history: { version: number; record: Record<string, any> }[];
}

function showRecord(r: RecordDetail): string {
  const c = r.current.record;
  const lines: [string, string][] = [
    ['id', r.id],
    ['reference', String(c.originatorReference ?? '')],
    ['type', r.type === 'denial' ? String(c.decisionType ?? 'denial') : String(c.findingType ?? 'finding')],
    ['origin', `${r.origin} (${r.current.origin})`],
    ['status', String(c.status ?? '')],
    ['version', String(r.current.version)],
  ];
  if (c.destinationCountry) lines.push(['destination', String(c.destinationCountry)]);
  if (c.reviewDueOn) lines.push(['review due', String(c.reviewDueOn)]);
  if (r.labels.length) lines.push(['labels', r.labels.join(', ')]);
  const head = lines.map(([k, v]) => `${k.padEnd(12)}${v}`).join('\n') + '\n\n';
  return (
    head +
    table(
      ['V', 'CHANGE', 'STATUS', 'UPDATED'],
      r.history.map((h) => [
        String(h.version),
        String(h.record.changeType ?? ''),
        String(h.record.status ?? ''),
        String(h.record.updatedAt ?? ''),
      ]),
    )
  );
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

function done(r: VersionResult, what: string, o: { json?: boolean } = {}): void {
  process.stderr.write(`${what} ${r.id} version ${r.version} (${r.record.changeType}, ${r.record.status})\n`);
  if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else process.stdout.write(r.id + '\n');
}

/** The short form of a record id shown in tables: the first 8 characters of its UUID. */
export function shortId(id: string): string {
  return id.split(':').at(-1)!.slice(0, 8);
}

/**
 * A record id from what the operator typed: a full URN as it is, otherwise the record whose UUID
 * starts with it (8 characters are shown in tables), refused when none or several match.
 */
export async function resolveRecordId(client: OperatorClient, typed: string): Promise<string> {
  if (typed.startsWith('urn:')) return typed;
  const want = typed.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(want))
    throw new Error(`${typed}: give a record id (urn:entente:…) or the start of its UUID, at least 4 characters`);
  const found: string[] = [];
  let after: string | null = null;
  do {
    const q: string = `/admin/v1/records?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const page: { items: { id: string }[]; next: string | null } = await client.call('GET', q);
    for (const i of page.items) if (i.id.split(':').at(-1)!.startsWith(want)) found.push(i.id);
    after = page.next;
  } while (after && found.length < 2);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new Error(`no record whose id starts with ${typed}`);
  throw new Error(`${typed} is ambiguous: several records start with it; give more characters`);
}

/** `--type Denial` as `denial`; anything else named with the choices. */
function recordType(v: string): string {
  const t = v.trim().toLowerCase();
  if (t === 'denial' || t === 'finding') return t;
  throw new Error(`--type ${v}: must be denial or finding`);
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
    .description('publish a new record; FILE is {type: "denial"|"finding", record}; prints the new id')
    .addOption(kit.dirOption())
    .option('--alert <level>', 'escalate to every eligible partner: FLASH (at once, ignoring the embargo) or PRIORITY')
    .option('--action <text>', 'with --alert: what allies are asked to do, e.g. "detain shipment on arrival"')
    .option('--alert-expires <timestamp>', 'with --alert: when the alert lapses (RFC 3339 UTC)')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'ID=$(entente publish --dir ./nl denial.json)',
        'entente publish --dir ./nl - < finding.json',
        'entente publish --dir ./nl denial.json --alert FLASH --action "detain shipment on arrival"',
      ]),
    )
    .action(
      async (
        file: string,
        o: { dir: string; alert?: string; action?: string; alertExpires?: string; json?: boolean },
      ) => {
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
        done(await operatorClient(o.dir).call<VersionResult>('POST', '/admin/v1/records', body), 'published', o);
      },
    );
  program
    .command('amend <id> <file>')
    .description('amend a record; FILE is {record} with the full record of the new version')
    .addOption(kit.dirOption())
    .option('--if-match <version>', 'refuse if the current version is not this one')
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente amend 3f2a9c1e amended.json --dir ./nl --if-match 1']))
    .action(async (typed: string, file: string, o: { dir: string; ifMatch?: string; json?: boolean }) => {
      const client = operatorClient(o.dir);
      const body = kit.readJson(file);
      const id = await resolveRecordId(client, typed);
      done(
        await client.call<VersionResult>(
          'PUT',
          `/admin/v1/records/${encodeURIComponent(id)}`,
          body,
          ifMatch(o.ifMatch),
        ),
        'amended',
        o,
      );
    });
  const statusCall = async (
    o: { dir: string; ifMatch?: string; json?: boolean },
    typed: string,
    body: unknown,
    what: string,
  ) => {
    const client = operatorClient(o.dir);
    const id = await resolveRecordId(client, typed);
    done(
      await client.call<VersionResult>(
        'POST',
        `/admin/v1/records/${encodeURIComponent(id)}/status`,
        body,
        ifMatch(o.ifMatch),
      ),
      what,
      o,
    );
  };
  program
    .command('status-change <id>')
    .description("change a record's status (denial: REVOKED, WITHDRAWN, EXPIRED; finding: forward, or WITHDRAWN)")
    .addOption(kit.dirOption())
    .requiredOption('--status <status>')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente status-change 3f2a9c1e --dir ./nl --status REVOKED --reason "End-user no longer of concern."',
      ]),
    )
    .action((id: string, o: { dir: string; status: string; reason: string; ifMatch?: string; json?: boolean }) =>
      statusCall(o, id, { status: o.status.toUpperCase(), reason: o.reason }, 'changed'),
    );
  program
    .command('renew <id>')
    .description('renew an ACTIVE denial: move its reviewDueOn')
    .addOption(kit.dirOption())
    .requiredOption('--review-due <date>', 'the new reviewDueOn (YYYY-MM-DD)')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples(['entente renew 3f2a9c1e --dir ./nl --review-due 2029-03-12 --reason "Review: concerns confirmed."']),
    )
    .action((id: string, o: { dir: string; reviewDue: string; reason: string; ifMatch?: string; json?: boolean }) =>
      statusCall(o, id, { renew: { reviewDueOn: o.reviewDue }, reason: o.reason }, 'renewed'),
    );
  program
    .command('final-assessment <id>')
    .description('final assessment of a licence suspension: its new decisionType')
    .addOption(kit.dirOption())
    .requiredOption('--decision-type <type>')
    .requiredOption('--reason <text>')
    .option('--if-match <version>')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples(['entente final-assessment 3f2a9c1e --dir ./nl --decision-type DENIAL --reason "Assessment done."']),
    )
    .action((id: string, o: { dir: string; decisionType: string; reason: string; ifMatch?: string; json?: boolean }) =>
      statusCall(
        o,
        id,
        { finalAssessment: { decisionType: o.decisionType.toUpperCase() }, reason: o.reason },
        'assessed',
      ),
    );
  program
    .command('review <id>')
    .description("mark a received record's cross-version findings reviewed (removes its cross-version-violation label)")
    .addOption(kit.dirOption())
    .option('--note <text>')
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente review 3f2a9c1e --dir ./nl --note "Checked with the originator."']))
    .action(async (typed: string, o: { dir: string; note?: string; json?: boolean }) => {
      const client = operatorClient(o.dir);
      const id = await resolveRecordId(client, typed);
      const r = await client.call<{
        reviewed: { version: number; violations: { rule: string; pointer: string }[] }[];
      }>('POST', `/admin/v1/records/${encodeURIComponent(id)}/review`, o.note ? { note: o.note } : {});
      if (o.json) return kit.print(r);
      for (const e of r.reviewed)
        process.stderr.write(
          `reviewed v${e.version}: ${e.violations.map((v) => `${v.rule} ${v.pointer}`).join(', ')}\n`,
        );
    });
  program
    .command('record <id>')
    .description('one record: its current version and its history (--json: every version with its signature)')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente record 3f2a9c1e --dir ./nl', 'entente record 3f2a9c1e --dir ./nl --json']))
    .action(async (typed: string, o: { dir: string; json?: boolean }) => {
      const client = operatorClient(o.dir);
      const id = await resolveRecordId(client, typed);
      const r = await client.call<RecordDetail>('GET', `/admin/v1/records/${encodeURIComponent(id)}`);
      kit.show(o, r, showRecord);
    });
  program
    .command('records')
    .description('list own and received records (current versions); reminders for reviews falling due')
    .addOption(kit.dirOption())
    .option('--q <text>', 'text search')
    .option('--type <type>', 'denial or finding (any case)', recordType)
    .option('--origin <nodeId>')
    .option('--status <status>')
    .option('--destination <cc>')
    .option('--control <prefix>', 'normalised control-code prefix, e.g. 3A001')
    .option('--regime <regime>')
    .option('--limit <n>', 'page size (1..1000)', '100')
    .option('--all', 'follow `next` through every page')
    .addOption(kit.jsonOption())
    .option('--csv', "CSV for spreadsheets: one row per record version, within the token's TLP allowance")
    .addHelpText(
      'after',
      examples([
        'entente records --dir ./nl',
        'entente records --dir ./nl --type denial --status active --destination ae',
        'entente records --dir ./nl --csv --all > records.csv',
      ]),
    )
    .action(async (o: Record<string, string | boolean | undefined> & { dir: string }) => {
      const client = operatorClient(o.dir);
      const params = new URLSearchParams();
      const upper = ['status', 'destination', 'regime'];
      for (const k of ['q', 'type', 'origin', 'status', 'destination', 'control', 'regime', 'limit']) {
        const v = o[k];
        if (typeof v === 'string') params.set(k, upper.includes(k) ? v.toUpperCase() : v);
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
            shortId(i.id),
          ]),
        ),
      );
      process.stderr.write(`${items.length} record(s)\n`);
    });
}
