// `entente token create|list|exports|revoke`: operator tokens (docs/protocol.md §10) and what their
// exports (TAXII, CSV) may carry.
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';
import { table } from './table.js';

interface TokenView {
  name: string;
  role: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  expiresAt?: string | null;
}

/** `90d`, `12w`, `6m` (30-day months), `1y`, or a date `YYYY-MM-DD` (its start, UTC), as a timestamp. */
export function expiryOf(text: string, now: number): string {
  const rel = /^([1-9][0-9]{0,4})([dwmy])$/.exec(text.trim());
  const days = { d: 1, w: 7, m: 30, y: 365 };
  let at: number;
  if (rel) at = now + Number(rel[1]) * days[rel[2] as keyof typeof days] * 86_400_000;
  else if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text.trim())) at = Date.parse(`${text.trim()}T00:00:00Z`);
  else throw new Error(`--expires ${text}: give a duration such as 90d, 12w, 6m or 1y, or a date YYYY-MM-DD`);
  if (!Number.isFinite(at)) throw new Error(`--expires ${text}: not a real date`);
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const day = (t: string | null | undefined) => (t ? t.slice(0, 16).replace('T', ' ') : '-');

export function registerTokenCommands(program: Command, kit: CliKit): void {
  const token = program.command('token').description('operator tokens');
  token
    .command('create')
    .description('make a token; it is printed once on stdout and only its hash is kept')
    .addOption(kit.dirOption())
    .requiredOption('--role <role>', 'admin, publisher, analyst, consumer (TAXII only) or metrics (GET /metrics only)')
    .requiredOption('--name <name>', 'token name')
    .option('--expires <when>', 'expiry: 90d, 12w, 6m, 1y, or a date YYYY-MM-DD (default: never)')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente token create --dir ./nl --role publisher --name desk3',
        'entente token create --dir ./nl --role metrics --name prometheus --expires 90d',
      ]),
    )
    .action(async (o: { dir: string; role: string; name: string; expires?: string; json?: boolean }) => {
      const expiresAt = o.expires ? expiryOf(o.expires, Date.now()) : undefined;
      const t = await operatorClient(o.dir).call<{ token: string; expiresAt?: string | null }>(
        'POST',
        '/admin/v1/tokens',
        { name: o.name, role: o.role, ...(expiresAt ? { expiresAt } : {}) },
      );
      if (o.json) return kit.print(t);
      const until = t.expiresAt ? `, expires ${t.expiresAt}` : '';
      process.stderr.write(`token ${o.name} (${o.role}${until}); it is shown once:\n`);
      process.stdout.write(t.token + '\n');
    });
  token
    .command('list')
    .description('every token: role, created, last used (recorded at most once a minute), expiry, revocation')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente token list --dir ./nl', 'entente token list --dir ./nl --json']))
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ items: TokenView[] }>('GET', '/admin/v1/tokens');
      kit.show(o, r, ({ items }) =>
        table(
          ['NAME', 'ROLE', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED'],
          items.map((t) => [t.name, t.role, day(t.createdAt), day(t.lastUsedAt), day(t.expiresAt), day(t.revokedAt)]),
        ),
      );
    });
  token
    .command('exports <name>')
    .description("what the token's exports may carry: its TLP allowance (default AMBER) and its TAXII collections")
    .addOption(kit.dirOption())
    .option('--max-tlp <tlp>', 'CLEAR, GREEN, AMBER, AMBER+STRICT or RED')
    .option('--collections <aliases>', 'comma-separated: own, from-<partner nodeId> ("" for none)')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples(['entente token exports opencti --dir ./nl --collections own,from-jp-lic-01 --max-tlp AMBER']),
    )
    .action(async (name: string, o: { dir: string; maxTlp?: string; collections?: string; json?: boolean }) => {
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
      const r = await client.call<{
        maxTlp: string;
        collections: string[];
        available?: { id: string; alias: string }[];
      }>(set ? 'PUT' : 'GET', path, set ? change : undefined);
      kit.show(o, r, (v) => {
        const rows = (v.available ?? []).map((c) => [c.alias, c.id, v.collections.includes(c.alias) ? 'yes' : '']);
        return `max TLP: ${v.maxTlp}\n` + table(['COLLECTION', 'ID', 'ALLOWED'], rows);
      });
    });
  token
    .command('revoke <name>')
    .description('revoke a token now (its console sessions end with it)')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente token revoke desk3 --dir ./nl']))
    .action(async (name: string, o: { dir: string; json?: boolean }) => {
      await operatorClient(o.dir).call('DELETE', `/admin/v1/tokens/${encodeURIComponent(name)}`);
      process.stderr.write(`revoked ${name}\n`);
      if (o.json) kit.print({ revoked: name });
    });
}
