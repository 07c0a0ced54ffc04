// The CLI side of the exports: `entente records --csv`, `entente screen --csv`, a consumer token and
// `entente token exports`, against a running node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../node/src/domain/csv.js';
import { RECORD_COLUMNS, SCREENING_COLUMNS } from '../../node/src/interop/csv.js';
import { cli } from '../helpers/cli.js';
import { publishBody } from '../helpers/examples.js';
import { startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

let n: TestNode;
const ids: string[] = [];
beforeAll(async () => {
  n = await startTestNode('nl-lic-01', { country: 'NL' });
  for (const name of ['denial-wa-sensitive', 'denial-catch-all', 'finding-network']) {
    const r = await n.op('POST', '/admin/v1/records', publishBody(name));
    expect(r.status).toBe(201);
    ids.push(r.body.id);
  }
});
afterAll(stopAll);

describe('CSV from the CLI', () => {
  it('entente records --csv --all: every page, the header once; rows above the allowance counted', async () => {
    const r = await cli(['records', '--dir', n.dir, '--csv', '--all', '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    const rows = [...parseCsv(r.stdout)];
    expect(rows[0]).toEqual(RECORD_COLUMNS);
    // finding-network is AMBER+STRICT: above the admin token's default allowance
    expect(
      rows
        .slice(1)
        .map((x) => x[0])
        .sort(),
    ).toEqual(ids.slice(0, 2).sort());
    expect(r.stderr).toMatch(/1 record\(s\) above this token's TLP allowance/);
  });

  it('entente screen --csv: one row per hit', async () => {
    const file = join(tempDir(), 'screen.json');
    writeFileSync(file, JSON.stringify({ parties: [{ name: 'Harbourline Trading', country: 'AE' }] }));
    const r = await cli(['screen', file, '--dir', n.dir, '--csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = [...parseCsv(r.stdout)];
    expect(rows[0]).toEqual(SCREENING_COLUMNS);
    expect(rows[1]![SCREENING_COLUMNS.indexOf('matched_name')]).toBe('Harbourline Trading FZE');
  });
});

describe('a consumer token and its exports', () => {
  it('token create --role consumer; token exports sets and shows the allowance and the collections', async () => {
    const t = await cli(['token', 'create', '--dir', n.dir, '--role', 'consumer', '--name', 'opencti']);
    expect(t.code, t.stderr).toBe(0);
    const shown = JSON.parse((await cli(['token', 'exports', 'opencti', '--dir', n.dir, '--json'])).stdout);
    expect((await cli(['token', 'exports', 'opencti', '--dir', n.dir])).stdout).toMatch(
      /^max TLP: AMBER\nCOLLECTION\s+ID\s+ALLOWED\n/,
    );
    expect(shown).toMatchObject({ token: 'opencti', maxTlp: 'AMBER', collections: [] });
    expect(shown.available.map((c: { alias: string }) => c.alias)).toEqual(['own']);
    const set = await cli([
      'token',
      'exports',
      'opencti',
      '--dir',
      n.dir,
      '--max-tlp',
      'GREEN',
      '--collections',
      'own',
      '--json',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ maxTlp: 'GREEN', collections: ['own'] });
    const bad = await cli(['token', 'exports', 'opencti', '--dir', n.dir, '--collections', 'from-xx-nowhere-01']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no collection from-xx-nowhere-01/);
    const audit = (await n.op('GET', '/admin/v1/audit?limit=1000')).body.items as { action: string; subject: string }[];
    expect(audit.some((e) => e.action === 'token.exports' && e.subject === 'opencti')).toBe(true);
  });
});
