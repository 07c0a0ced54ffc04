// Screening commands: screen, import-list, lists, screen-index-rebuild (docs/screening.md).
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './records.js';
import { table } from './table.js';

export function registerScreeningCommands(program: Command, kit: CliKit): void {
  program
    .command('screen <file>')
    .description('screen parties against own, received and reference-list names; FILE is {parties: [{name, country?, identifiers?}], threshold?, limit?}')
    .addOption(kit.dirOption())
    .option('--json')
    .action(async (file: string, o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ results: { input: { name: string }; hits: any[] }[] }>('POST', '/admin/v1/screen', kit.readJson(file));
      if (o.json) return kit.print(r);
      for (const res of r.results) {
        process.stdout.write(`\n${res.input.name}: ${res.hits.length} hit(s)\n`);
        if (res.hits.length)
          process.stdout.write(
            table(
              ['SCORE', 'MATCHED NAME', 'SOURCE', 'STATUS', 'WHY'],
              res.hits.map((h) => [
                h.score.toFixed(3),
                h.matchedName,
                h.source.kind === 'record' ? `${h.source.origin} ${h.source.type} (${h.source.role ?? ''})` : `list ${h.source.list} ${h.source.ref}`,
                h.source.kind === 'record' ? `${h.source.status}${h.source.recalled ? ', recalled' : ''}` : '-',
                [`name ${h.explanation.name}`, h.explanation.country, h.explanation.identifier].filter(Boolean).join('; '),
              ]),
            ),
          );
      }
    });
  program
    .command('import-list <file>')
    .description('import a reference list (US Consolidated Screening List CSV, plain or gzip, or a JSON list of entities such as the BIS Entity List); idempotent')
    .addOption(kit.dirOption())
    .action(async (file: string, o: { dir: string }) => {
      const { resolve } = await import('node:path');
      process.stderr.write(`importing ${file}…\n`);
      const r = await operatorClient(o.dir).call<{ list: string; entries: number; names: number; unchanged: boolean }>('POST', '/admin/v1/reference-lists', { path: resolve(file) });
      process.stderr.write(r.unchanged ? `${r.list}: unchanged (${r.entries} entries)\n` : `${r.list}: ${r.entries} entries, ${r.names} names indexed\n`);
    });
}

export function registerIndexCommand(program: Command, kit: CliKit): void {
  program
    .command('screen-index-rebuild')
    .description('rebuild the screening index from scratch: every name of own and received records and reference lists normalised again')
    .addOption(kit.dirOption())
    .action(async (o: { dir: string }) => {
      process.stderr.write('rebuilding the screening index…\n');
      const r = await operatorClient(o.dir).call<{ records: number }>('POST', '/admin/v1/screen/rebuild');
      process.stderr.write(`indexed ${r.records} records\n`);
    });
}
