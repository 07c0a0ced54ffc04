// `entente reciprocity`: per partner, both directions side by side (docs/protocol.md §9).
import type { Command } from 'commander';
import type { Flow } from '../services/reciprocity.js';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { table } from './table.js';

type FlowView = Flow & { receiptsOutstanding?: number };

function fmtCounts(m: Record<string, number>): string {
  const e = Object.entries(m);
  return e.length ? e.map(([k, v]) => `${k} ${v}`).join(', ') : '-';
}

/** Hours as an operator reads them: hours under two days, days beyond. */
export function duration(hours: number | null): string {
  if (hours === null) return '-';
  return Math.abs(hours) < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

export function registerReciprocityCommand(program: Command, kit: CliKit): void {
  program
    .command('reciprocity')
    .description('per partner, both directions side by side: what each agreement promises and what flowed')
    .addOption(kit.dirOption())
    .option('--partner <nodeId>')
    .option('--from <date>')
    .option('--to <date>')
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner?: string; from?: string; to?: string; json?: boolean }) => {
      const q = new URLSearchParams();
      for (const k of ['partner', 'from', 'to'] as const) if (o[k]) q.set(k, o[k]);
      const r = await operatorClient(o.dir).call<{ items: any[] }>('GET', `/admin/v1/reciprocity?${q.toString()}`);
      if (o.json) return kit.print(r);
      for (const p of r.items) {
        const out = p.outbound as FlowView;
        const inn = p.inbound as FlowView;
        const promise = (list: { reference: string; version: number }[]) =>
          list.length
            ? list.map((a) => `${a.reference} v${a.version}`).join(' (was ') + (list.length > 1 ? ')' : '')
            : 'none';
        const delay = (f: FlowView) =>
          f.delayHours.samples
            ? `${duration(f.delayHours.median)} / ${duration(f.delayHours.p90)} (${f.delayHours.samples} records)`
            : '-';
        process.stdout.write(`\n${p.partner}  (${p.period.from} .. ${p.period.to})\n`);
        process.stdout.write(
          table(
            ['', `WE SEND TO ${p.partner}`, `${p.partner} SENDS TO US`],
            [
              ['agreement', promise(p.promises.ours), promise(p.promises.theirs)],
              ['records', String(out.records), String(inn.records)],
              ['versions', String(out.versions), String(inn.versions)],
              ['by type', fmtCounts(out.byType), fmtCounts(inn.byType)],
              ['by regime', fmtCounts(out.byRegime), fmtCounts(inn.byRegime)],
              ['by TLP', fmtCounts(out.byTlp), fmtCounts(inn.byTlp)],
              ['revocations', String(out.revocations), String(inn.revocations)],
              ['recalls', String(out.recalls), String(inn.recalls)],
              ['delay median / p90', delay(out), delay(inn)],
              ['receipts outstanding', String(out.receiptsOutstanding ?? 0), '-'],
              ['quarantined', `${out.quarantined} (by them)`, `${inn.quarantined} (by us)`],
              [
                'consultations answered on time',
                `${p.consultations.weAnswered.onTime}/${p.consultations.weAnswered.requests} (we answered)`,
                `${p.consultations.theyAnswered.onTime}/${p.consultations.theyAnswered.requests} (they answered)`,
              ],
            ],
          ),
        );
      }
    });
}
