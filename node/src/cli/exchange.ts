// Exchange commands (docs/protocol.md §10): partner add|list|show|remove, agreement set|explain,
// stream reset|re-anchor, sync-status, alarms. (The screening commands move to their own file with
// the screening room.)
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { table } from './table.js';

function ago(iso: string | null | undefined): string {
  if (!iso) return '-';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  return `${Math.round(s / 3600)}h ago`;
}

export function registerExchangeCommands(program: Command, kit: CliKit): void {
  const partner = program.command('partner').description('partners and their trust');
  partner
    .command('add')
    .description('register a partner from its bundle (trust only unless --agreement)')
    .addOption(kit.dirOption())
    .requiredOption('--bundle <file>', "the partner's bundle (JSON)")
    .requiredOption('--fingerprint <fp>', 'the fingerprint the partner read to you (spaces allowed)')
    .option('--agreement <file>', 'the agreement to set (what this node sends to the partner)')
    .action(async (o: { dir: string; bundle: string; fingerprint: string; agreement?: string }) => {
      const bundle = kit.readJson(o.bundle) as { nodeId: string };
      const body: Record<string, unknown> = { bundle, fingerprint: o.fingerprint };
      if (o.agreement) body.agreement = kit.readJson(o.agreement);
      const view = await operatorClient(o.dir).call<{ nodeId: string }>(
        'PUT',
        `/admin/v1/partners/${encodeURIComponent(String(bundle.nodeId))}`,
        body,
      );
      process.stderr.write(
        `registered ${view.nodeId}${o.agreement ? ' with an agreement' : ' (trust only: nothing is shared until an agreement is set)'}\n`,
      );
      kit.print(view);
    });
  partner
    .command('list')
    .addOption(kit.dirOption())
    .action(async (o: { dir: string }) => kit.print(await operatorClient(o.dir).call('GET', '/admin/v1/partners')));
  partner
    .command('show <id>')
    .addOption(kit.dirOption())
    .action(async (id: string, o: { dir: string }) =>
      kit.print(await operatorClient(o.dir).call('GET', `/admin/v1/partners/${encodeURIComponent(id)}`)),
    );
  partner
    .command('remove <id>')
    .description('stop exchange with a partner (stream and history are kept)')
    .addOption(kit.dirOption())
    .action(async (id: string, o: { dir: string }) => {
      await operatorClient(o.dir).call('DELETE', `/admin/v1/partners/${encodeURIComponent(id)}`);
      process.stderr.write(`removed ${id}\n`);
    });
  const agreement = program.command('agreement').description('what this node sends to a partner');
  agreement
    .command('set')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .requiredOption('--file <file>', 'the agreement (JSON; `null` withdraws it)')
    .action(async (o: { dir: string; partner: string; file: string }) => {
      const r = await operatorClient(o.dir).call<{
        agreement: { version: number; reference: string } | null;
        changed: boolean;
      }>('PUT', `/admin/v1/partners/${encodeURIComponent(o.partner)}/agreement`, kit.readJson(o.file));
      process.stderr.write(
        r.changed
          ? `agreement with ${o.partner} is now ${r.agreement ? `${r.agreement.reference} v${r.agreement.version}` : 'withdrawn'}; a statement announces it\n`
          : 'nothing changed\n',
      );
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
      const r = await operatorClient(o.dir).call<{
        decision: string;
        reasons: string[];
        redacted?: string[];
        notBefore?: string;
        held: unknown;
      }>('GET', `/admin/v1/partners/${encodeURIComponent(o.partner)}/explain?record=${encodeURIComponent(o.record)}`);
      if (o.json) return kit.print(r);
      process.stdout.write(
        `${o.partner}: ${r.decision.toUpperCase()}${r.notBefore ? ` (embargoed until ${r.notBefore})` : ''}\n`,
      );
      for (const reason of r.reasons) process.stdout.write(`  ${reason}\n`);
      if (r.redacted?.length) process.stdout.write(`  redacted: ${r.redacted.join(', ')}\n`);
    });
  const stream = program.command('stream').description('outbound stream operations (docs/protocol.md §6.6)');
  stream
    .command('reset')
    .description('start a new stream to a partner: statement at seq 1, holdings emptied, backfill per the agreement')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .action(async (o: { dir: string; partner: string }) => {
      const r = await operatorClient(o.dir).call<{ stream: string }>(
        'POST',
        `/admin/v1/streams/${encodeURIComponent(o.partner)}/reset`,
      );
      process.stderr.write(`new stream ${r.stream} to ${o.partner}\n`);
    });
  stream
    .command('re-anchor')
    .description("after a restore from backup: continue at the partner's expected seq")
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
        const state = p.removed
          ? 'removed'
          : out.blocked
            ? 'BLOCKED'
            : link.breaker === 'open'
              ? 'breaker open'
              : out.queued > 0 || out.notYetMaterialised > 0
                ? 'catching up'
                : 'in sync';
        return [
          p.nodeId,
          state,
          p.agreement ? `${p.agreement.reference} v${p.agreement.version}` : 'none (trust only)',
          p.sync.protocol ? `${p.sync.protocol.using} (learned ${ago(p.sync.protocol.learnedAt)})` : '-',
          `${out.lastReceiptUpTo ?? 0}/${out.head ?? 0}`,
          String((out.queued ?? 0) + (out.notYetMaterialised ?? 0)),
          String(out.quarantinedByPartner ?? 0),
          ago(out.lastReceiptAt),
          String(inn.cursor ?? 0),
          String(inn.counts?.rejected ?? 0),
          String(inn.toReview ?? 0),
          ago(inn.lastContactAt),
          String(out.blocked ?? out.lastError ?? link.lastPushError ?? inn.lastError ?? ''),
        ];
      });
      process.stdout.write(
        table(
          [
            'PARTNER',
            'STATE',
            'AGREEMENT',
            'PROTOCOL',
            'ACKED/HEAD',
            'QUEUED',
            'THEY QUARANTINED',
            'LAST RECEIPT',
            'IN CURSOR',
            'WE QUARANTINED',
            'TO REVIEW',
            'LAST IN',
            'LAST ERROR',
          ],
          rows,
        ),
      );
    });
  program
    .command('alarms')
    .description('operator-visible alarms, newest first')
    .addOption(kit.dirOption())
    .option('--partner <nodeId>')
    .action(async (o: { dir: string; partner?: string }) => {
      const r = await operatorClient(o.dir).call<{
        items: { at: string; partner: string | null; kind: string; detail: string }[];
      }>('GET', `/admin/v1/alarms${o.partner ? `?partner=${encodeURIComponent(o.partner)}` : ''}`);
      process.stdout.write(
        table(
          ['AT', 'PARTNER', 'KIND', 'DETAIL'],
          r.items.map((a) => [a.at, a.partner ?? '', a.kind, a.detail]),
        ),
      );
    });
}
