// docs/configuration.md is generated from the config schema and names every environment variable the
// node reads (issue 15 item 8); it must be current.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types
import { configReference, configRows, ENVIRONMENT } from '../../scripts/config-reference.mjs';

const root = join(import.meta.dirname, '../..');
type Row = { key: string; meaning: string };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('docs/configuration.md', () => {
  it('is current (node scripts/config-reference.mjs)', () => {
    expect(readFileSync(join(root, 'docs/configuration.md'), 'utf8')).toBe(configReference() as string);
  });
  it('explains every key, consultations.holidays and shutdown.timeoutSeconds among them', () => {
    const schema = JSON.parse(readFileSync(join(root, 'schemas/node-config.schema.json'), 'utf8')) as unknown;
    const rows = configRows(schema) as Row[];
    expect(rows.map((r) => r.key)).toEqual(
      expect.arrayContaining(['consultations.holidays', 'shutdown.timeoutSeconds', 'operator.allowNonLoopback']),
    );
    for (const r of rows) expect(r.meaning, r.key).not.toBe('');
  });
  it('names every environment variable the node and the CLI read', () => {
    const read = new Set<string>();
    for (const f of sources(join(root, 'node/src'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:process\.)?env\.([A-Z][A-Z0-9_]{3,})/g)) read.add(m[1]!);
    }
    const documented = (ENVIRONMENT as string[][]).map((e) => e[0]);
    expect(read.size).toBeGreaterThan(0);
    for (const v of read) expect(documented, v).toContain(v);
    expect(documented).toContain('ENTENTE_TOKEN');
  });
});
