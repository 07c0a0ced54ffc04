// `entente keys rotate|status`: signing and TLS key rotation (docs/protocol.md §3.5).
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';
import { table } from './table.js';

export function registerKeyCommands(program: Command, kit: CliKit): void {
  const keys = program.command('keys').description('signing and TLS key rotation (docs/protocol.md §3.5)');
  keys
    .command('rotate')
    .description('add a key, announce it in statements, and switch once every partner has acknowledged')
    .addOption(kit.dirOption())
    .option('--tls', 'rotate the TLS key (its pin is announced) instead of the signing key')
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente keys rotate --dir ./nl', 'entente keys rotate --dir ./nl --tls']))
    .action(async (o: { dir: string; tls?: boolean; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ kind: string; id: string; waitingFor: string[] }>(
        'POST',
        '/admin/v1/keys/rotate',
        o.tls ? { tls: true } : {},
      );
      process.stderr.write(
        r.waitingFor.length
          ? `${r.kind} key ${r.id} announced; in use once ${r.waitingFor.join(', ')} acknowledge\n`
          : `${r.kind} key ${r.id} is in use\n`,
      );
      if (o.json) kit.print(r);
      else process.stdout.write(r.id + '\n');
    });
  keys
    .command('status')
    .description('the signing keys, the one in use, and what a pending rotation waits for')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente keys status --dir ./nl', 'entente keys status --dir ./nl --json']))
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{
        current: string;
        keys: { kid: string; nbf?: number; exp?: number }[];
        pending: { kind: string; id: string; waitingFor: string[] }[];
      }>('GET', '/admin/v1/keys');
      kit.show(o, r, (v) => {
        const when = (t?: number) => (t === undefined ? '-' : new Date(t * 1000).toISOString().slice(0, 10));
        const keysTable = table(
          ['KID', 'IN USE', 'FROM', 'UNTIL'],
          v.keys.map((k) => [k.kid, k.kid === v.current ? 'yes' : '', when(k.nbf), when(k.exp)]),
        );
        const pending = v.pending.length
          ? '\n' +
            table(
              ['PENDING', 'ID', 'WAITING FOR'],
              v.pending.map((p) => [p.kind, p.id, p.waitingFor.join(', ') || '-']),
            )
          : '';
        return keysTable + pending;
      });
    });
}
