// Exchange commands (brief §10): agreement set|explain, stream reset|re-anchor, sync-status, alarms.
import type { Command } from 'commander';
import type { Flow } from '../services/reciprocity.js';
import { operatorClient } from './client.js';
import type { CliKit } from './records.js';
import { table } from './table.js';

function ago(iso: string | null | undefined): string {
  if (!iso) return '-';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

export function registerExchangeCommands(program: Command, kit: CliKit): void {
  const agreement = program.command('agreement').description('what this node sends to a partner');
  agreement
    .command('set')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .requiredOption('--file <file>', 'the agreement (JSON; `null` withdraws it)')
    .action(async (o: { dir: string; partner: string; file: string }) => {
      const r = await operatorClient(o.dir).call<{ agreement: { version: number; reference: string } | null; changed: boolean }>('PUT', `/admin/v1/partners/${encodeURIComponent(o.partner)}/agreement`, kit.readJson(o.file));
      process.stderr.write(r.changed ? `agreement with ${o.partner} is now ${r.agreement ? `${r.agreement.reference} v${r.agreement.version}` : 'withdrawn'}; a statement announces it\n` : 'nothing changed\n');
      kit.print(r.agreement);
    });
  agreement
    .command('explain')
    .description('why a partner does or does not receive a record')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .requiredOption('--record <id>')
    .option('--json')
    .action(async (o: { dir: string; partner: string; record: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ decision: string; reasons: string[]; redacted?: string[]; notBefore?: string; held: unknown }>(
        'GET',
        `/admin/v1/partners/${encodeURIComponent(o.partner)}/explain?record=${encodeURIComponent(o.record)}`,
      );
      if (o.json) return kit.print(r);
      process.stdout.write(`${o.partner}: ${r.decision.toUpperCase()}${r.notBefore ? ` (embargoed until ${r.notBefore})` : ''}\n`);
      for (const reason of r.reasons) process.stdout.write(`  ${reason}\n`);
      if (r.redacted?.length) process.stdout.write(`  redacted: ${r.redacted.join(', ')}\n`);
    });
  const stream = program.command('stream').description('outbound stream operations (brief §6.6)');
  stream
    .command('reset')
    .description('start a new stream to a partner: statement at seq 1, holdings emptied, backfill per the agreement')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .action(async (o: { dir: string; partner: string }) => {
      const r = await operatorClient(o.dir).call<{ stream: string }>('POST', `/admin/v1/streams/${encodeURIComponent(o.partner)}/reset`);
      process.stderr.write(`new stream ${r.stream} to ${o.partner}\n`);
    });
  stream
    .command('re-anchor')
    .description('after a restore from backup: continue at the partner\'s expected seq')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .action(async (o: { dir: string; partner: string }) => {
      await operatorClient(o.dir).call('POST', `/admin/v1/streams/${encodeURIComponent(o.partner)}/re-anchor`);
      process.stderr.write(`stream to ${o.partner} re-anchored\n`);
    });
  program
    .command('sync-status')
    .description('per-partner sync health')
    .addOption(kit.dirOption())
    .option('--json')
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ items: any[] }>('GET', '/admin/v1/partners');
      if (o.json) return kit.print(r);
      const rows = r.items.map((p) => {
        const out = p.sync.outbound ?? {};
        const inn = p.sync.inbound ?? {};
        const link = p.sync.link ?? {};
        const state = p.removed ? 'removed' : out.blocked ? 'BLOCKED' : link.breaker === 'open' ? 'breaker open' : out.queued > 0 || out.notYetMaterialised > 0 ? 'catching up' : 'in sync';
        return [
          p.nodeId,
          state,
          p.agreement ? `${p.agreement.reference} v${p.agreement.version}` : 'none (trust only)',
          `${out.lastReceiptUpTo ?? 0}/${out.head ?? 0}`,
          String((out.queued ?? 0) + (out.notYetMaterialised ?? 0)),
          String(out.quarantinedByPartner ?? 0),
          ago(out.lastReceiptAt),
          String(inn.cursor ?? 0),
          String(inn.counts?.rejected ?? 0),
          ago(inn.lastContactAt),
          String(out.blocked ?? out.lastError ?? link.lastPushError ?? inn.lastError ?? ''),
        ];
      });
      process.stdout.write(table(['PARTNER', 'STATE', 'AGREEMENT', 'ACKED/HEAD', 'QUEUED', 'THEY QUARANTINED', 'LAST RECEIPT', 'IN CURSOR', 'WE QUARANTINED', 'LAST IN', 'LAST ERROR'], rows));
    });
  program
    .command('alarms')
    .description('operator-visible alarms, newest first')
    .addOption(kit.dirOption())
    .option('--partner <nodeId>')
    .action(async (o: { dir: string; partner?: string }) => {
      const r = await operatorClient(o.dir).call<{ items: { at: string; partner: string | null; kind: string; detail: string }[] }>('GET', `/admin/v1/alarms${o.partner ? `?partner=${encodeURIComponent(o.partner)}` : ''}`);
      process.stdout.write(table(['AT', 'PARTNER', 'KIND', 'DETAIL'], r.items.map((a) => [a.at, a.partner ?? '', a.kind, a.detail])));
    });
}

type FlowView = Flow & { receiptsOutstanding?: number };

function fmtCounts(m: Record<string, number>): string {
  const e = Object.entries(m);
  return e.length ? e.map(([k, v]) => `${k} ${v}`).join(', ') : '-';
}

export function registerReciprocityCommand(program: Command, kit: CliKit): void {
  program
    .command('reciprocity')
    .description('per partner, both directions side by side: what each agreement promises and what flowed')
    .addOption(kit.dirOption())
    .option('--partner <nodeId>')
    .option('--from <date>')
    .option('--to <date>')
    .option('--json')
    .action(async (o: { dir: string; partner?: string; from?: string; to?: string; json?: boolean }) => {
      const q = new URLSearchParams();
      for (const k of ['partner', 'from', 'to'] as const) if (o[k]) q.set(k, o[k]!);
      const r = await operatorClient(o.dir).call<{ items: any[] }>('GET', `/admin/v1/reciprocity?${q.toString()}`);
      if (o.json) return kit.print(r);
      for (const p of r.items) {
        const out = p.outbound as FlowView;
        const inn = p.inbound as FlowView;
        const promise = (list: { reference: string; version: number }[]) => (list.length ? list.map((a) => `${a.reference} v${a.version}`).join(' (was ') + (list.length > 1 ? ')' : '') : 'none');
        const delay = (f: FlowView) => (f.delayHours.samples ? `${f.delayHours.median} / ${f.delayHours.p90} h (${f.delayHours.samples})` : '-');
        process.stdout.write(`\n${p.partner}  (${p.period.from} .. ${p.period.to})\n`);
        process.stdout.write(
          table(
            ['', `WE SEND TO ${p.partner}`, `${p.partner} SENDS TO US`],
            [
              ['agreement', promise(p.promises.ours), promise(p.promises.theirs)],
              ['records', String(out.records), String(inn.records)],
              ['by type', fmtCounts(out.byType), fmtCounts(inn.byType)],
              ['by regime', fmtCounts(out.byRegime), fmtCounts(inn.byRegime)],
              ['by TLP', fmtCounts(out.byTlp), fmtCounts(inn.byTlp)],
              ['revocations', String(out.revocations), String(inn.revocations)],
              ['recalls', String(out.recalls), String(inn.recalls)],
              ['delay median / p90', delay(out), delay(inn)],
              ['receipts outstanding', String(out.receiptsOutstanding ?? 0), '-'],
              ['quarantined', `${out.quarantined} (by them)`, `${inn.quarantined} (by us)`],
              ['consultations answered on time', `${p.consultations.weAnswered.onTime}/${p.consultations.weAnswered.requests} (we answered)`, `${p.consultations.theyAnswered.onTime}/${p.consultations.theyAnswered.requests} (they answered)`],
            ],
          ),
        );
      }
    });
}

export function registerKeyCommands(program: Command, kit: CliKit): void {
  const keys = program.command('keys').description('signing and TLS key rotation (brief §3.5)');
  keys
    .command('rotate')
    .description('add a key, announce it in statements, and switch once every partner has acknowledged')
    .addOption(kit.dirOption())
    .option('--tls', 'rotate the TLS key (its pin is announced) instead of the signing key')
    .action(async (o: { dir: string; tls?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ kind: string; id: string; waitingFor: string[] }>('POST', '/admin/v1/keys/rotate', o.tls ? { tls: true } : {});
      process.stderr.write(r.waitingFor.length ? `${r.kind} key ${r.id} announced; in use once ${r.waitingFor.join(', ')} acknowledge\n` : `${r.kind} key ${r.id} is in use\n`);
      kit.print(r);
    });
  keys
    .command('status')
    .addOption(kit.dirOption())
    .action(async (o: { dir: string }) => kit.print(await operatorClient(o.dir).call('GET', '/admin/v1/keys')));
}

export function registerConsultCommands(program: Command, kit: CliKit): void {
  const consult = program.command('consult').description('consultations with a denying partner (brief §8)');
  const send = async (dir: string, id: string, body: Record<string, unknown>) => {
    const r = await operatorClient(dir).call<{ id: string; state: string; dueAt: string }>('POST', `/admin/v1/consultations/${encodeURIComponent(id)}/messages`, body);
    process.stderr.write(`${r.id}: ${r.state}, due ${r.dueAt}\n`);
  };
  consult
    .command('open <file>')
    .description('send a REQUEST; FILE is {partner, referencedDenials, proposedTransaction, question}')
    .addOption(kit.dirOption())
    .action(async (file: string, o: { dir: string }) => {
      const r = await operatorClient(o.dir).call<{ id: string; dueAt: string }>('POST', '/admin/v1/consultations', kit.readJson(file));
      process.stderr.write(`consultation opened, due ${r.dueAt}\n`);
      process.stdout.write(r.id + '\n');
    });
  consult
    .command('respond <id>')
    .addOption(kit.dirOption())
    .requiredOption('--position <position>', 'NO_OBJECTION, MAINTAINS_DENIAL, NOT_ESSENTIALLY_IDENTICAL, DENIAL_NO_LONGER_VALID, NEEDS_MORE_INFORMATION')
    .requiredOption('--rationale <text>')
    .action((id: string, o: { dir: string; position: string; rationale: string }) => send(o.dir, id, { type: 'RESPONSE', position: o.position, rationale: o.rationale }));
  consult
    .command('extend <id>')
    .addOption(kit.dirOption())
    .requiredOption('--days <n>', 'working days on this node\'s calendar')
    .requiredOption('--reason <text>')
    .action((id: string, o: { dir: string; days: string; reason: string }) => send(o.dir, id, { type: 'EXTENSION', days: Number(o.days), reason: o.reason }));
  consult
    .command('outcome <id>')
    .addOption(kit.dirOption())
    .requiredOption('--decision <decision>', 'GRANTED, DENIED or WITHDRAWN_BY_APPLICANT')
    .requiredOption('--decided-on <date>')
    .option('--justification <text>', 'required when GRANTED')
    .action((id: string, o: { dir: string; decision: string; decidedOn: string; justification?: string }) =>
      send(o.dir, id, { type: 'OUTCOME', decision: o.decision, decidedOn: o.decidedOn, ...(o.justification ? { justification: o.justification } : {}) }),
    );
  consult
    .command('withdraw <id>')
    .addOption(kit.dirOption())
    .requiredOption('--reason <text>')
    .action((id: string, o: { dir: string; reason: string }) => send(o.dir, id, { type: 'WITHDRAWAL', reason: o.reason }));
  consult
    .command('list')
    .addOption(kit.dirOption())
    .option('--json')
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ items: any[] }>('GET', '/admin/v1/consultations');
      if (o.json) return kit.print(r);
      process.stdout.write(table(['ID', 'ROLE', 'PARTNER', 'STATE', 'DUE', 'POSITION', 'ON TIME', 'OUTCOME'], r.items.map((c) => [c.id, c.role, c.partner, c.state, c.dueAt, c.position ?? '-', c.onTime === null ? '-' : c.onTime ? 'yes' : 'late', c.outcome ?? '-'])));
    });
}
