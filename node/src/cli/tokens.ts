// `entente token create|list|exports|revoke`: operator tokens (docs/protocol.md §10) and what their
// exports (TAXII, CSV) may carry.
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';

export function registerTokenCommands(program: Command, kit: CliKit): void {
  const token = program.command('token').description('operator tokens');
  token
    .command('create')
    .addOption(kit.dirOption())
    .requiredOption('--role <role>', 'admin, publisher, analyst or consumer (TAXII only)')
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
    .command('exports <name>')
    .description("what the token's exports may carry: its TLP allowance (default AMBER) and its TAXII collections")
    .addOption(kit.dirOption())
    .option('--max-tlp <tlp>', 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED')
    .option('--collections <aliases>', 'comma-separated: own, from-<partner nodeId> ("" for none)')
    .action(async (name: string, o: { dir: string; maxTlp?: string; collections?: string }) => {
      const client = operatorClient(o.dir);
      const path = `/admin/v1/tokens/${encodeURIComponent(name)}/exports`;
      const change: Record<string, unknown> = {};
      if (o.maxTlp) change.maxTlp = o.maxTlp;
      if (o.collections !== undefined) {
        change.collections = o.collections
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean);
      }
      const set = Object.keys(change).length > 0;
      kit.print(await client.call(set ? 'PUT' : 'GET', path, set ? change : undefined));
    });
  token
    .command('revoke <name>')
    .addOption(kit.dirOption())
    .action(async (name: string, o: { dir: string }) => {
      await operatorClient(o.dir).call('DELETE', `/admin/v1/tokens/${encodeURIComponent(name)}`);
      process.stderr.write(`revoked ${name}\n`);
    });
}
