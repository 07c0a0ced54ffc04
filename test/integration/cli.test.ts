// The CLI against running nodes: init, bundle, partner add, token, publish, amend, renew, revoke, records.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishBody, example } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { day } from '../helpers/dates.js';
import { startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL' }),
    startTestNode('jp-lic-01', { country: 'JP' }),
  ]);
});
afterAll(stopAll);

describe('entente CLI', () => {
  it('init makes a node directory; bundle prints JSON on stdout and the fingerprint on stderr', async () => {
    const dir = join(tempDir(), 'n');
    const init = await cli([
      'init',
      '--dir',
      dir,
      '--node-id',
      'fi-lic-01',
      '--name',
      'FI licensing',
      '--country',
      'FI',
      '--federation-listen',
      '127.0.0.1:0',
      '--operator-listen',
      '127.0.0.1:0',
      '--url',
      'https://fi.example:8443',
    ]);
    expect(init.code, init.stderr).toBe(0);
    const again = await cli(['init', '--dir', dir, '--node-id', 'fi-lic-01', '--name', 'FI', '--country', 'FI']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already holds a node/);
    const bundle = await cli(['bundle', '--dir', dir]);
    expect(bundle.code, bundle.stderr).toBe(0);
    const parsed = JSON.parse(bundle.stdout);
    expect(parsed).toMatchObject({ entente: 1, nodeId: 'fi-lic-01', url: 'https://fi.example:8443' });
    const lines = bundle.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^fingerprint: [A-Za-z0-9_-]{43}$/);
    expect(lines[1]!.replace(/ /g, '')).toBe(lines[0]!.slice('fingerprint: '.length));
    expect(lines[1]).toMatch(/^([A-Za-z0-9_-]{4} ){10}[A-Za-z0-9_-]{3}$/);
    expect(lines[2]).toMatch(/^read aloud: [0-9]{5}( [0-9]{5}){5}$/);
    const bad = await cli([
      'init',
      '--dir',
      join(tempDir(), 'x'),
      '--node-id',
      'BAD',
      '--name',
      'x',
      '--country',
      'FI',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--node-id: must be 2 to 63 lowercase letters, digits or hyphens/);
  });

  it('partner add accepts the read-aloud form (30 digits), refuses a wrong one, and partner list shows it', async () => {
    const c = await startTestNode('de-enf-02', { country: 'DE' });
    const file = join(tempDir(), 'de.bundle.json');
    writeFileSync(file, JSON.stringify(c.bundle));
    const printed = await cli(['bundle', '--dir', c.dir]);
    const digits = /^read aloud: (.*)$/m.exec(printed.stderr)![1]!;
    const wrongDigits = digits.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    const refused = await cli(['partner', 'add', '--dir', b.dir, '--bundle', file, '--fingerprint', wrongDigits]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the fingerprint does not match this bundle/);
    const ok = await cli(['partner', 'add', '--dir', b.dir, '--bundle', file, '--fingerprint', digits]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`read aloud  ${digits}`);
    const listed = await cli(['partner', 'list', '--dir', b.dir]);
    expect(listed.stdout).toMatch(/^PARTNER\s+NAME\s+COUNTRY\s+AGREEMENT\s+READ ALOUD$/m);
    expect(listed.stdout).toMatch(new RegExp(`^de-enf-02\\s.*${digits}$`, 'm'));
    const shown = await cli(['partner', 'show', 'de-enf-02', '--dir', b.dir, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ nodeId: 'de-enf-02', readAloud: digits });
    // the API takes the digits too, spaces or none
    const again = await b.op('PUT', '/admin/v1/partners/de-enf-02', {
      bundle: c.bundle,
      fingerprint: digits.replace(/ /g, ''),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.readAloud).toBe(digits);
    await b.op('DELETE', '/admin/v1/partners/de-enf-02');
  });

  it('partner add registers trust with the grouped fingerprint, and refuses a wrong one', async () => {
    const file = join(tempDir(), 'jp.bundle.json');
    writeFileSync(file, JSON.stringify(b.bundle));
    const grouped = b.fingerprint.match(/.{1,4}/g)!.join(' ');
    const wrong = await cli([
      'partner',
      'add',
      '--dir',
      a.dir,
      '--bundle',
      file,
      '--fingerprint',
      'AAAA' + grouped.slice(4),
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/fingerprint/);
    const ok = await cli(['partner', 'add', '--dir', a.dir, '--bundle', file, '--fingerprint', grouped]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/trust only/);
    const list = JSON.parse((await cli(['partner', 'list', '--dir', a.dir, '--json'])).stdout);
    expect(list.items.map((p: { nodeId: string }) => p.nodeId)).toEqual(['jp-lic-01']);
  });

  it('token create prints the token alone on the last stdout line', async () => {
    const r = await cli(['token', 'create', '--dir', a.dir, '--role', 'publisher', '--name', 'desk3']);
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^ent_[A-Za-z0-9_-]{43}$/);
    const listed = await cli(['records', '--dir', a.dir, '--json'], { env: { ENTENTE_TOKEN: token } });
    expect(listed.code, listed.stderr).toBe(0);
  });

  it('publish, amend, renew, revoke and list', async () => {
    const dir = tempDir();
    const pub = join(dir, 'denial.json');
    writeFileSync(pub, JSON.stringify(publishBody('denial-wa-sensitive')));
    const p = await cli(['publish', '--dir', a.dir, pub]);
    expect(p.code, p.stderr).toBe(0);
    const id = p.stdout.trim();
    expect(id).toMatch(/^urn:entente:nl-lic-01:denial:/);
    const current = (await a.op('GET', `/admin/v1/records/${id}`)).body.current.record;
    const amendFile = join(dir, 'amend.json');
    writeFileSync(
      amendFile,
      JSON.stringify({ record: { ...current, statedEndUse: 'Earth-observation satellite bus (amended)' } }),
    );
    const am = await cli(['amend', '--dir', a.dir, id, amendFile, '--if-match', '1']);
    expect(am.code, am.stderr).toBe(0);
    expect(am.stderr).toMatch(/version 2 \(AMENDMENT, ACTIVE\)/);
    const stale = await cli(['amend', '--dir', a.dir, id, amendFile, '--if-match', '1']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/^entente: If-Match "1" is stale: the current version is 2\n$/);
    const rn = await cli([
      'renew',
      '--dir',
      a.dir,
      id,
      '--review-due',
      day(900),
      '--reason',
      'Review: concerns confirmed.',
    ]);
    expect(rn.code, rn.stderr).toBe(0);
    expect(rn.stderr).toMatch(/version 3 \(RENEWAL/);
    const rv = await cli([
      'status-change',
      '--dir',
      a.dir,
      id,
      '--status',
      'REVOKED',
      '--reason',
      'End-user no longer of concern.',
    ]);
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.stderr).toMatch(/version 4 \(STATUS_CHANGE, REVOKED\)/);
    const fa = join(dir, 'susp.json');
    writeFileSync(fa, JSON.stringify(publishBody('denial-suspension')));
    const sid = (await cli(['publish', '--dir', a.dir, fa])).stdout.trim();
    const fin = await cli([
      'final-assessment',
      '--dir',
      a.dir,
      sid,
      '--decision-type',
      'DENIAL',
      '--reason',
      'Re-export confirmed.',
    ]);
    expect(fin.code, fin.stderr).toBe(0);
    const old = join(dir, 'old.json');
    writeFileSync(
      old,
      JSON.stringify(
        publishBody('denial-catch-all', {
          decisionDate: '2022-01-10',
          notifiedAt: '2022-01-11T08:00:00Z',
          reviewDueOn: '2025-01-10',
        }),
      ),
    );
    await cli(['publish', '--dir', a.dir, old]);
    const table = await cli(['records', '--dir', a.dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^REFERENCE\s+TYPE\s+V\s+STATUS/m);
    expect(table.stdout).toMatch(/NL-DU-2025-00417\s+DENIAL\s+4\s+REVOKED/);
    expect(table.stdout).toMatch(/reminder: FI-CA-25-0031 \(nl-lic-01\): review overdue since 2025-01-10/);
    const json = JSON.parse((await cli(['records', '--dir', a.dir, '--json', '--status', 'REVOKED'])).stdout);
    expect(json.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const bad = await cli(['publish', '--dir', a.dir, old]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/originatorReference/);
    expect(example('denial-wa-sensitive').originatorReference).toBe('NL-DU-2025-00417');
    expect(readFileSync(pub, 'utf8')).toContain('NL-DU-2025-00417');
  });

  it('says clearly when the node is not running', async () => {
    await b.stop();
    const r = await cli(['records', '--dir', b.dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot reach the node's operator API/);
  });
});

describe('entente CLI: exchange', () => {
  it('agreement set, explain, sync-status, stream reset', async () => {
    const c = await startTestNode('de-enf-01', { country: 'DE', sync: { autoStart: false } });
    const bundleFile = join(tempDir(), 'de.bundle.json');
    writeFileSync(bundleFile, JSON.stringify(c.bundle));
    expect(
      (await cli(['partner', 'add', '--dir', a.dir, '--bundle', bundleFile, '--fingerprint', c.fingerprint])).code,
    ).toBe(0);
    const agreementFile = join(tempDir(), 'agreement.json');
    const ag = example('agreement-redacting');
    delete ag.version;
    writeFileSync(
      agreementFile,
      JSON.stringify({ ...ag, partner: 'de-enf-01', validFrom: day(-365), validUntil: day(3 * 365) }),
    );
    const set = await cli(['agreement', 'set', '--dir', a.dir, '--partner', 'de-enf-01', '--file', agreementFile]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toMatch(/NL-DE-2025-07 v1/);
    const pubFile = join(tempDir(), 'p.json');
    writeFileSync(pubFile, JSON.stringify(publishBody('denial-suspension', { originatorReference: 'CLI-EXPLAIN' })));
    const id = (await cli(['publish', '--dir', a.dir, pubFile])).stdout.trim();
    const ex = await cli(['agreement', 'explain', '--dir', a.dir, '--partner', 'de-enf-01', '--record', id]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/^de-enf-01: RELEASE \(embargoed until /);
    expect(ex.stdout).toMatch(/redacted: \/items\/0\/value, \/parties\/2, \/pointOfContact/);
    const status = await cli(['sync-status', '--dir', a.dir]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^PARTNER\s+STATE\s+AGREEMENT/);
    expect(status.stdout, status.stdout).toMatch(/de-enf-01\s+\S.*NL-DE-2025-07 v1/);
    const reset = await cli(['stream', 'reset', '--dir', a.dir, '--partner', 'de-enf-01']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/new stream [A-Za-z0-9_-]{22} to de-enf-01/);
  });
});
