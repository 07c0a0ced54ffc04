// Screening commands: screen (one name, a JSON request, or a CSV of parties), import-list, lists,
// screen-index-rebuild (docs/screening.md).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseCsv } from '../domain/csv.js';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { csvLine, SCREENING_COLUMNS } from '../interop/csv.js';
import { exerciseLine } from './mode.js';
import { table } from './table.js';

interface HitView {
  score: number;
  matchedName: string;
  target: string;
  source:
    | {
        kind: 'record';
        id: string;
        origin: string;
        type: string;
        role: string | null;
        status: string;
        recalled: boolean;
        labels: string[];
      }
    | { kind: 'reference-list'; list: string; ref: string };
  dismissedBy?: { by: string }[];
  explanation: { name: number; country?: string; birthDate?: string; identifier?: string };
}
interface ScreenResult {
  input: { name: string; country?: string };
  hits: HitView[];
}

/** Where a hit comes from, so that two hits from different denials never look the same. */
function sourceOf(h: HitView): string {
  return h.source.kind === 'record'
    ? `${h.source.origin} ${h.source.type} ${h.source.id} (${h.source.role ?? '-'})`
    : `list ${h.source.list} entry ${h.source.ref}`;
}

const why = (h: HitView) =>
  [`name ${h.explanation.name}`, h.explanation.country, h.explanation.birthDate, h.explanation.identifier]
    .filter(Boolean)
    .join('; ');

function printResults(results: ScreenResult[]): void {
  // an exercise node's screening output starts with the EXERCISE line, hits or none
  process.stdout.write(exerciseLine());
  for (const res of results) {
    process.stdout.write(`\n${res.input.name}: ${res.hits.length} hit(s)\n`);
    if (res.hits.length === 0) continue;
    const rows = res.hits.map((h) => [
      h.score.toFixed(3),
      h.matchedName,
      sourceOf(h),
      [
        h.source.kind === 'record'
          ? [h.source.status, h.source.recalled ? 'recalled' : '', ...h.source.labels].filter(Boolean).join(', ')
          : '-',
        ...(h.dismissedBy ?? []).map((d) => `dismissed by ${d.by}`),
      ].join('; '),
      why(h),
    ]);
    process.stdout.write(table(['SCORE', 'MATCHED NAME', 'SOURCE', 'STATUS', 'WHY'], rows, { mark: false }));
  }
}

/** Parties per request when screening a CSV (the API takes up to 200). */
const CHUNK = 200;

/**
 * Screens the parties of a CSV file in requests of CHUNK, writing the node's own screening CSV
 * (`Accept: text/csv`: the token's TLP allowance applies, cells a spreadsheet would run are
 * neutralised) with the caller's `ref` column first.
 */
async function screenCsv(dir: string, file: string, o: { threshold?: string }): Promise<void> {
  const rows = [...parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))];
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const nameCol = col('name', 'party', 'party name');
  if (nameCol < 0) throw new Error(`${file} needs a name column (and may have country, birthdate, id)`);
  const countryCol = col('country');
  const birthCol = col('birthdate', 'birth date', 'date of birth', 'dob');
  const idCol = col('id', 'ref', 'reference');
  const parties = rows
    .map((r, i) => ({
      ref: idCol >= 0 ? (r[idCol] ?? '') : String(i + 1),
      name: (r[nameCol] ?? '').trim(),
      country: countryCol >= 0 ? (r[countryCol] ?? '').trim().toUpperCase() : '',
      birthDate: birthCol >= 0 ? (r[birthCol] ?? '').trim() : '',
    }))
    .filter((p) => p.name);
  const client = operatorClient(dir);
  const bar = new SingleBar({
    format: 'screening [{bar}] {value}/{total} parties | {rate} parties/s | {hits} with hits',
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(parties.length, 0, { rate: 0, hits: 0 });
  const started = performance.now();
  let withHits = 0;
  let withheld = 0;
  process.stdout.write(csvLine(['ref', ...SCREENING_COLUMNS]));
  const inputCol = SCREENING_COLUMNS.indexOf('input');
  for (let i = 0; i < parties.length; i += CHUNK) {
    const chunk = parties.slice(i, i + CHUNK);
    const body = {
      parties: chunk.map((p) => ({
        name: p.name,
        ...(/^[A-Z]{2}$/.test(p.country) ? { country: p.country } : {}),
        ...(/^\d{4}(-\d\d){0,2}$/.test(p.birthDate) ? { birthDate: p.birthDate } : {}),
      })),
      ...(o.threshold ? { threshold: Number(o.threshold) } : {}),
    };
    const r = await client.text('POST', '/admin/v1/screen', body, { accept: 'text/csv' });
    withheld += Number(r.headers.get('x-entente-withheld') ?? 0);
    const hit = new Set<number>();
    for (const row of [...parseCsv(r.text)].slice(1)) {
      const k = Number(row[inputCol]);
      hit.add(k);
      process.stdout.write(csvLine([chunk[k]?.ref ?? '', ...row]));
    }
    withHits += hit.size;
    const done = Math.min(parties.length, i + CHUNK);
    bar.update(done, {
      rate: Math.round(done / Math.max(0.001, (performance.now() - started) / 1000)),
      hits: withHits,
    });
  }
  bar.stop();
  process.stderr.write(
    `${parties.length} parties screened in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `${withHits} with hits\n`,
  );
  if (withheld > 0) process.stderr.write(`${withheld} hit(s) above the token's TLP allowance left out\n`);
}

interface ImportJobView {
  id: string;
  list: string;
  state: string;
  bytes: number;
  totalBytes: number;
  entries: number;
  namesIndexed: number;
  rate: number;
  error: string | null;
  result: {
    unchanged: boolean;
    added: number;
    removed: number;
    changed: number;
    entries: number;
    names: number;
    version: number;
  } | null;
}

export function registerScreeningCommands(program: Command, kit: CliKit): void {
  program
    .command('screen [name-or-file]')
    .description(
      'screen parties against own, received and reference-list names: --name (and --country), a CSV of parties ' +
        '(--csv parties.csv: hits as CSV on stdout), or FILE {parties: [{name, country?, birthDate?, identifiers?}], ' +
        'threshold?, limit?}; --csv alone writes the hits as CSV',
    )
    .addOption(kit.dirOption())
    .option('--name <name>', 'one party name')
    .option('--country <cc>', 'its country (ISO 3166-1 alpha-2)')
    .option('--birth-date <date>', 'its date of birth (YYYY, YYYY-MM or YYYY-MM-DD)')
    .option(
      '--csv [parties.csv]',
      "hits as CSV (one row per hit, within the token's TLP allowance); with a file: screen the parties of a CSV " +
        'with a name column (and country, birthdate, id)',
    )
    .option('--threshold <score>', 'alert threshold (default: the calibrated one)')
    .addOption(kit.jsonOption())
    .action(
      async (
        file: string | undefined,
        o: {
          dir: string;
          name?: string;
          country?: string;
          birthDate?: string;
          csv?: string | boolean;
          threshold?: string;
          json?: boolean;
        },
      ) => {
        if (typeof o.csv === 'string') return screenCsv(o.dir, o.csv, o);
        let body: unknown;
        // a lone argument that is not "-", not a .json path and not an existing file is a name
        const typed =
          o.name ??
          (file && file !== '-' && !/\.json$/i.test(file) && !(existsSync(file) && statSync(file).isFile())
            ? file
            : undefined);
        if (typed) {
          body = {
            parties: [
              {
                name: typed,
                ...(o.country ? { country: o.country.toUpperCase() } : {}),
                ...(o.birthDate ? { birthDate: o.birthDate } : {}),
              },
            ],
            ...(o.threshold ? { threshold: Number(o.threshold) } : {}),
          };
        } else if (file) body = kit.readJson(file);
        else throw new Error('give --name, --csv or a request FILE');
        if (o.csv) {
          const { text, headers } = await operatorClient(o.dir).text('POST', '/admin/v1/screen', body, {
            accept: 'text/csv',
          });
          process.stdout.write(text);
          const withheld = Number(headers.get('x-entente-withheld') ?? 0);
          if (withheld > 0) process.stderr.write(`${withheld} hit(s) above the token's TLP allowance left out\n`);
          return;
        }
        const r = await operatorClient(o.dir).call<{ results: ScreenResult[] }>('POST', '/admin/v1/screen', body);
        if (o.json) return kit.print(r);
        printResults(r.results);
      },
    );
  program
    .command('import-list <file>')
    .description(
      'upload a reference list (US CSL CSV or JSON, a JSON entity list, OpenSanctions FollowTheMoney JSON lines, ' +
        'or a CSV with --map); plain or gzip; a re-import reports what changed',
    )
    .addOption(kit.dirOption())
    .option('--format <format>', 'csl-csv, csl-json, entity-json, ftm or csv (default: recognised from the content)')
    .option(
      '--list <name>',
      "the list's name (default: the name the file gives, us-csl for the CSL, else the file name)",
    )
    .option('--map <mapping>', 'columns of a plain CSV: name=COLUMN,alias=COLUMN,country=COLUMN[,id=…,birthDate=…]')
    .addOption(kit.jsonOption())
    .action(async (file: string, o: { dir: string; format?: string; list?: string; map?: string; json?: boolean }) => {
      if (!existsSync(file)) throw new Error(`${file}: no such file`);
      const q = new URLSearchParams({ filename: basename(file) });
      for (const k of ['format', 'list', 'map'] as const) if (o[k]) q.set(k, o[k]);
      const client = operatorClient(o.dir);
      process.stderr.write(`uploading ${file} (${statSync(file).size} bytes)…\n`);
      let job = await client.call<ImportJobView>(
        'POST',
        `/admin/v1/reference-lists/imports?${q.toString()}`,
        createReadStream(file),
      );
      const bar = new SingleBar({
        format: `${job.list} [{bar}] {percentage}% | {entries} entries | {names} names indexed | {rate} names/s`,
        stream: process.stderr,
        hideCursor: true,
      });
      if (job.state === 'indexing') bar.start(Math.max(1, job.totalBytes), 0, { entries: 0, names: 0, rate: 0 });
      while (job.state === 'indexing' || job.state === 'receiving') {
        await new Promise((r) => setTimeout(r, 250));
        job = await client.call<ImportJobView>('GET', `/admin/v1/reference-lists/imports/${job.id}`);
        bar.update(job.state === 'done' ? job.totalBytes : job.bytes, {
          entries: job.entries,
          names: job.namesIndexed,
          rate: job.rate,
        });
      }
      bar.stop();
      if (job.state !== 'done' || !job.result) throw new Error(`import ${job.state}: ${job.error ?? ''}`);
      const r = job.result;
      process.stderr.write(
        r.unchanged
          ? `${job.list}: unchanged (${r.entries} entries)\n`
          : `${job.list}: ${r.entries} entries, ${r.names} names; ` +
              `version ${r.version}: ${r.added} added, ${r.removed} removed, ${r.changed} changed\n`,
      );
      if (o.json) kit.print(job);
    });
  program
    .command('lists')
    .description('reference lists held: source, version, size, last import')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{
        items: {
          name: string;
          source: string;
          format: string;
          version: number;
          entries: number;
          names: number;
          importedAt: string;
          lastImport: { added?: number; removed?: number; changed?: number };
        }[];
      }>('GET', '/admin/v1/reference-lists');
      if (o.json) return kit.print(r);
      const delta = (l: { added?: number; removed?: number; changed?: number }) =>
        l.added === undefined ? '-' : `+${l.added} -${l.removed} ~${l.changed}`;
      process.stdout.write(
        table(
          ['LIST', 'SOURCE', 'FORMAT', 'VERSION', 'ENTRIES', 'NAMES', 'LAST IMPORT', 'CHANGES'],
          r.items.map((l) => [
            l.name,
            l.source,
            l.format || '-',
            String(l.version),
            String(l.entries),
            String(l.names),
            l.importedAt,
            delta(l.lastImport),
          ]),
        ),
      );
    });
}

export function registerIndexCommand(program: Command, kit: CliKit): void {
  program
    .command('screen-index-rebuild')
    .description(
      'rebuild the screening index from scratch: every name of own and received records and reference lists ' +
        'normalised again',
    )
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; json?: boolean }) => {
      process.stderr.write('rebuilding the screening index…\n');
      const r = await operatorClient(o.dir).call<{ records: number }>('POST', '/admin/v1/screen/rebuild');
      process.stderr.write(`indexed ${r.records} records\n`);
      if (o.json) kit.print(r);
    });
}
