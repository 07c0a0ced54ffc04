// `entente keys rotate|status`: signing and TLS key rotation (docs/protocol.md §3.5).
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';

export function registerKeyCommands(program: Command, kit: CliKit): void {
  const keys = program.command('keys').description('signing and TLS key rotation (docs/protocol.md §3.5)');
  keys
    .command('rotate')
    .description('add a key, announce it in statements, and switch once every partner has acknowledged')
    .addOption(kit.dirOption())
    .option('--tls', 'rotate the TLS key (its pin is announced) instead of the signing key')
    .action(async (o: { dir: string; tls?: boolean }) => {
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
      kit.print(r);
    });
  keys
    .command('status')
    .addOption(kit.dirOption())
    .action(async (o: { dir: string }) => kit.print(await operatorClient(o.dir).call('GET', '/admin/v1/keys')));
}
