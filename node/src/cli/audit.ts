// entente audit verify (offline: a stopped or running node's directory, or an exported bundle) and
// entente audit export (through the operator API).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, loadSecrets } from '../config/index.js';
import { publicJwk } from '../crypto/keys.js';
import { parseSigningKeys } from '../core/identity.js';
import { AuditService, verifyAuditBundle, type AuditBundle } from '../core/audit.js';
import { systemClock } from '../core/clock.js';
import { Store } from '../store/index.js';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';

function parseHeld(values: string[] | undefined): { seq: number; hash: string }[] {
  return (values ?? []).map((v) => {
    const m = /^([1-9][0-9]*):([A-Za-z0-9_-]{43})$/.exec(v);
    if (!m) throw new Error(`--checkpoint takes seq:hash, got ${v}`);
    return { seq: Number(m[1]), hash: m[2]! };
  });
}

export function registerAuditCommands(program: Command, kit: CliKit): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the chain and name the first broken entry (works on a stopped node)')
    .option('--dir <dir>', 'node directory')
    .option('--bundle <file>', 'an exported audit bundle, verified offline')
    .option('--checkpoint <seq:hash...>', 'checkpoint hashes a partner holds (from its statements or receipts)')
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente audit verify --dir ./nl',
        'entente audit verify --bundle audit.json --checkpoint 1200:Qm9v… --json',
      ]),
    )
    .action((o: { dir?: string; bundle?: string; checkpoint?: string[]; json?: boolean }) => {
      const held = parseHeld(o.checkpoint);
      let result;
      if (o.bundle) {
        const bundle = kit.readJson(o.bundle) as AuditBundle;
        result = verifyAuditBundle(bundle, held);
      } else if (o.dir) {
        const config = loadConfig(o.dir);
        const keys = parseSigningKeys(loadSecrets(config).signingKeysJson).keys.map(publicJwk);
        const store = Store.open(config.files.database, { readonly: true });
        try {
          const service = new AuditService(store, systemClock);
          const full = service.verify();
          result = full;
          if (full.ok) {
            const bundle = service.export(config.nodeId, keys, 1, Number.MAX_SAFE_INTEGER);
            result = verifyAuditBundle(bundle, held);
          }
        } finally {
          store.close();
        }
      } else {
        throw new Error('give --dir or --bundle');
      }
      if (o.json) kit.print(result);
      if (!result.ok) {
        process.stderr.write(`audit chain BROKEN at entry ${result.firstBroken ?? '?'}: ${result.reason}\n`);
        process.exitCode = 3;
      } else process.stderr.write(`audit chain verifies: ${result.entries} entries\n`);
    });
  audit
    .command('export <out>')
    .description('write a self-contained bundle (entries, signed checkpoints, public keys) for offline review')
    .addOption(kit.dirOption())
    .option('--from <seq>', 'first entry', '1')
    .option('--to <seq>', 'last entry (default: the head)')
    .addHelpText(
      'after',
      examples([
        'entente audit export audit.json --dir ./nl',
        'entente audit export part.json --dir ./nl --from 1000 --to 2000',
      ]),
    )
    .action(async (out: string, o: { dir: string; from: string; to?: string }) => {
      const body: Record<string, number> = { from: Number(o.from) };
      if (o.to) body.to = Number(o.to);
      const bundle = await operatorClient(o.dir).call<AuditBundle>('POST', '/admin/v1/audit/export', body);
      writeFileSync(out, JSON.stringify(bundle, null, 2) + '\n');
      process.stderr.write(
        `wrote ${out}${bundle.mode === 'exercise' ? ' (EXERCISE node)' : ''}: entries ${bundle.from}..${bundle.to}, ${bundle.checkpoints.length} signed checkpoint(s)\n`,
      );
    });
}
