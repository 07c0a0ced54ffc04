// `entente alerts` (docs/protocol.md §14.3–§14.4): the alerts received (open ones first) and the
// originator's per-alert table of partners; `entente alerts ack ID --state ACTIONED --note …`.
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { table } from './table.js';

/** A partner's text in one table cell: line breaks, controls and bidi/format characters neutralised. */
export function cell(text: string | null | undefined, max = 80): string {
  if (text === null || text === undefined) return '-';
  const flat = text.replace(/\n/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?');
  const points = Array.from(flat);
  return points.length <= max ? flat : points.slice(0, max - 1).join('') + '…';
}

interface Received {
  partner: string;
  id: string;
  version: number;
  level: string;
  actionRequested: string;
  expiresAt: string | null;
  receivedAt: string;
  open: boolean;
  receivedAck: string;
  finalState: string | null;
  finalAt: string | null;
}

interface Sent {
  id: string;
  version: number;
  level: string;
  publishedAt: string;
  partners: {
    partner: string;
    status: string;
    protocol: string;
    releasedAt: string | null;
    receiptAt: string | null;
    receivedAt: string | null;
    finalState: string | null;
    finalAt: string | null;
    note: string | null;
  }[];
}

export function registerAlertCommands(program: Command, kit: CliKit): void {
  const alerts = program
    .command('alerts')
    .description('alerts received from partners and, for own alerts, who received and acted on them');
  alerts
    .command('list', { isDefault: true })
    .description('alerts received (open ones first) and the table of partners of each own alert')
    .addOption(kit.dirOption())
    .option('--json')
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{
        received: Received[];
        sent: Sent[];
        unacknowledged: { FLASH: number; PRIORITY: number };
      }>('GET', '/admin/v1/alerts');
      if (o.json) return kit.print(r);
      const u = r.unacknowledged;
      process.stdout.write(`unacknowledged: ${u.FLASH} FLASH, ${u.PRIORITY} PRIORITY\n\nreceived:\n`);
      const received = [...r.received].sort((x, y) => Number(y.open) - Number(x.open));
      process.stdout.write(
        table(
          ['LEVEL', 'FROM', 'ID', 'V', 'RECEIVED', 'STATE', 'ACTION REQUESTED'],
          received.map((a) => [
            a.level,
            a.partner,
            a.id,
            String(a.version),
            a.receivedAt,
            a.open ? 'OPEN' : a.finalState ? `${a.finalState} ${a.finalAt}` : 'ended or expired',
            cell(a.actionRequested),
          ]),
        ),
      );
      process.stdout.write('\nsent:\n');
      const rows = r.sent.flatMap((s) =>
        s.partners.map((p) => [
          `${s.level} ${s.id} v${s.version}`,
          p.partner,
          p.status === 'released' && p.protocol === '1.0' ? 'released (1.0 partner: no acknowledgement)' : p.status,
          p.releasedAt ?? '-',
          p.receiptAt ?? '-',
          p.receivedAt ?? '-',
          p.finalState ? `${p.finalState} ${p.finalAt}` : '-',
          cell(p.note, 60),
        ]),
      );
      process.stdout.write(
        table(['ALERT', 'PARTNER', 'STATUS', 'RELEASED', 'RECEIPT', 'RECEIVED', 'FINAL', 'NOTE'], rows),
      );
    });
  alerts
    .command('ack <id>')
    .description('acknowledge a received alert: ACTIONED or NO_ACTION, sent to its originator')
    .addOption(kit.dirOption())
    .requiredOption('--state <state>', 'ACTIONED or NO_ACTION')
    .option('--version <n>', 'the alert version (default: the latest received)')
    .option('--note <text>', 'what was done (up to 2000 characters)')
    .option('--desk <name>', 'the function acknowledging, e.g. "customs liaison desk" (never a person)')
    .addOption(kit.jsonOption())
    .action(
      async (
        id: string,
        o: { dir: string; state: string; version?: string; note?: string; desk?: string; json?: boolean },
      ) => {
        const body = {
          id,
          state: o.state,
          ...(o.version !== undefined ? { version: Number(o.version) } : {}),
          ...(o.note !== undefined ? { note: o.note } : {}),
          ...(o.desk !== undefined ? { desk: o.desk } : {}),
        };
        const r = await operatorClient(o.dir).call<Received>('POST', '/admin/v1/alerts/ack', body);
        process.stderr.write(`acknowledged ${r.id} v${r.version} ${r.finalState}\n`);
        if (o.json) kit.print(r);
      },
    );
}
