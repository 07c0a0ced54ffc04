// Exchange commands (docs/protocol.md §10): partner add|list|show|remove, agreement set|explain,
// stream reset|re-anchor, sync-status, alarms. (The screening commands move to their own file with
// the screening room.)
import type { Command } from 'commander';
import { groupFingerprint } from '../exchange/bundle.js';
import { operatorClient } from './client.js';
import { resolveRecordId } from './records.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';
import { table } from './table.js';

interface PartnerView {
  nodeId: string;
  name: string;
  country: string;
  url: string;
  fingerprint: string;
  readAloud: string;
  removed: boolean;
  addedAt: string;
  agreement: { reference: string; version: number } | null;
}

function showPartner(p: PartnerView): string {
  const rows: [string, string][] = [
    ['partner', p.removed ? `${p.nodeId} (removed)` : p.nodeId],
    ['name', p.name],
    ['country', p.country],
    ['address', p.url],
    ['fingerprint', groupFingerprint(p.fingerprint)],
    ['read aloud', p.readAloud],
    ['agreement', p.agreement ? `${p.agreement.reference} v${p.agreement.version}` : 'none (trust only)'],
    ['added', p.addedAt],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)}${v}`).join('\n') + '\n';
}

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
    .description(
      'register a partner from its bundle (trust only unless --agreement); the fingerprint is the one the partner read to you',
    )
    .addOption(kit.dirOption())
    .requiredOption('--bundle <file>', "the partner's bundle (JSON)")
    .requiredOption(
      '--fingerprint <fp>',
      'the fingerprint the partner read to you: 43 characters, or the read-aloud form of 30 digits (spaces allowed)',
    )
    .option('--agreement <file>', 'the agreement to set (what this node sends to the partner)')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente partner add --dir ./nl --bundle jp.bundle.json --fingerprint "28312 71035 19033 54212 51492 41426"',
        'entente partner add --dir ./nl --bundle jp.bundle.json --fingerprint "47DE Qpj8 …" --agreement nl-to-jp.json',
      ]),
    )
    .action(async (o: { dir: string; bundle: string; fingerprint: string; agreement?: string; json?: boolean }) => {
      const bundle = kit.readJson(o.bundle) as { nodeId: string };
      const body: Record<string, unknown> = { bundle, fingerprint: o.fingerprint };
      if (o.agreement) body.agreement = kit.readJson(o.agreement);
      const view = await operatorClient(o.dir).call<PartnerView>(
        'PUT',
        `/admin/v1/partners/${encodeURIComponent(String(bundle.nodeId))}`,
        body,
      );
      process.stderr.write(
        `registered ${view.nodeId}${o.agreement ? ' with an agreement' : ' (trust only: nothing is shared until an agreement is set)'}\n`,
      );
      kit.show(o, view, showPartner);
    });
  partner
    .command('list')
    .description('partners, with the fingerprint of the bundle each was registered from (read-aloud form)')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente partner list --dir ./nl', 'entente partner list --dir ./nl --json']))
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ items: PartnerView[] }>('GET', '/admin/v1/partners');
      kit.show(o, r, ({ items }) =>
        table(
          ['PARTNER', 'NAME', 'COUNTRY', 'AGREEMENT', 'READ ALOUD'],
          items.map((p) => [
            p.removed ? `${p.nodeId} (removed)` : p.nodeId,
            p.name,
            p.country,
            p.agreement ? `${p.agreement.reference} v${p.agreement.version}` : 'none (trust only)',
            p.readAloud,
          ]),
        ),
      );
    });
  partner
    .command('show <id>')
    .description('one partner: address, fingerprint in both forms, agreement')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente partner show jp-lic-01 --dir ./nl']))
    .action(async (id: string, o: { dir: string; json?: boolean }) =>
      kit.show(
        o,
        await operatorClient(o.dir).call<PartnerView>('GET', `/admin/v1/partners/${encodeURIComponent(id)}`),
        showPartner,
      ),
    );
  partner
    .command('remove <id>')
    .description('stop exchange with a partner (stream and history are kept)')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente partner remove jp-lic-01 --dir ./nl']))
    .action(async (id: string, o: { dir: string; json?: boolean }) => {
      await operatorClient(o.dir).call('DELETE', `/admin/v1/partners/${encodeURIComponent(id)}`);
      process.stderr.write(`removed ${id}\n`);
      if (o.json) kit.print({ removed: id });
    });
  const agreement = program.command('agreement').description('what this node sends to a partner');
  agreement
    .command('set')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .requiredOption('--file <file>', 'the agreement (JSON; `null` withdraws it)')
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner: string; file: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{
        agreement: { version: number; reference: string } | null;
        changed: boolean;
      }>('PUT', `/admin/v1/partners/${encodeURIComponent(o.partner)}/agreement`, kit.readJson(o.file));
      process.stderr.write(
        r.changed
          ? `agreement with ${o.partner} is now ${r.agreement ? `${r.agreement.reference} v${r.agreement.version}` : 'withdrawn'}; a statement announces it\n`
          : 'nothing changed\n',
      );
      if (o.json) kit.print(r.agreement);
    });
  agreement
    .command('explain')
    .description('why a partner does or does not receive a record')
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .requiredOption('--record <id>', 'the full urn:entente:… or the start of its UUID')
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner: string; record: string; json?: boolean }) => {
      const client = operatorClient(o.dir);
      const record = await resolveRecordId(client, o.record);
      const r = await client.call<{
        decision: string;
        reasons: string[];
        redacted?: string[];
        notBefore?: string;
        held: unknown;
      }>('GET', `/admin/v1/partners/${encodeURIComponent(o.partner)}/explain?record=${encodeURIComponent(record)}`);
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
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ stream: string }>(
        'POST',
        `/admin/v1/streams/${encodeURIComponent(o.partner)}/reset`,
      );
      process.stderr.write(`new stream ${r.stream} to ${o.partner}\n`);
      if (o.json) kit.print(r);
    });
  stream
    .command('re-anchor')
    .description("after a restore from backup: continue at the partner's expected seq")
    .addOption(kit.dirOption())
    .requiredOption('--partner <nodeId>')
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call(
        'POST',
        `/admin/v1/streams/${encodeURIComponent(o.partner)}/re-anchor`,
      );
      process.stderr.write(`stream to ${o.partner} re-anchored\n`);
      if (o.json) kit.print(r ?? { reAnchored: o.partner });
    });
  program
    .command('sync-status')
    .description('per-partner sync health')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
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
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; partner?: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{
        items: { at: string; partner: string | null; kind: string; detail: string }[];
      }>('GET', `/admin/v1/alarms${o.partner ? `?partner=${encodeURIComponent(o.partner)}` : ''}`);
      if (o.json) return kit.print(r);
      process.stdout.write(
        table(
          ['AT', 'PARTNER', 'KIND', 'DETAIL'],
          r.items.map((a) => [a.at, a.partner ?? '', a.kind, a.detail]),
        ),
      );
    });
}
