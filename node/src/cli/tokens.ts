// `entente token create|list|revoke`: operator tokens (docs/protocol.md §10).
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';

export function registerTokenCommands(program: Command, kit: CliKit): void {
  const token = program.command('token').description('operator tokens');
  token
    .command('create')
    .addOption(kit.dirOption())
    .requiredOption('--role <role>', 'admin, publisher or analyst')
    .requiredOption('--name <name>', 'token name')
    .action(async (o: { dir: string; role: string; name: string }) => {
      const t = await operatorClient(o.dir).call<{ token: string }>('POST', '/admin/v1/tokens', {
        name: o.name,
        role: o.role,
      });
      process.stderr.write(`token ${o.name} (${o.role}); it is shown once:\n`);
      process.stdout.write(t.token + '\n');
    });
  token
    .command('list')
    .addOption(kit.dirOption())
    .action(async (o: { dir: string }) => kit.print(await operatorClient(o.dir).call('GET', '/admin/v1/tokens')));
  token
    .command('revoke <name>')
    .addOption(kit.dirOption())
    .action(async (name: string, o: { dir: string }) => {
      await operatorClient(o.dir).call('DELETE', `/admin/v1/tokens/${encodeURIComponent(name)}`);
      process.stderr.write(`revoked ${name}\n`);
    });
}
