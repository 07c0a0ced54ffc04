// Exercise nodes (docs/protocol.md §14.5): a node is live or exercise for life, and the two never
// become partners: `partner add` refuses the other mode's bundle on both sides before anything is
// stored, and a config edit cannot turn one into the other.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode } from '../../node/src/app.js';
import { loadConfig, loadSecrets } from '../../node/src/config/index.js';
import { cli } from '../helpers/cli.js';
import { dbDump } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

let live: TestNode;
let drill: TestNode;
let drill2: TestNode;

beforeAll(async () => {
  live = await startTestNode('nl-lic-01', { country: 'NL' });
  drill = await startTestNode('de-enf-01', { country: 'DE', exercise: true });
  drill2 = await startTestNode('jp-lic-01', { country: 'JP', exercise: true });
});
afterAll(stopAll);

function bundleFile(n: TestNode): string {
  const file = join(tempDir(), `${n.nodeId}.bundle.json`);
  writeFileSync(file, JSON.stringify(n.bundle));
  return file;
}

describe('exercise nodes', () => {
  it('`entente init --exercise` makes an exercise node whose bundle says so; a live bundle stays a 1.0 bundle', async () => {
    const dir = join(tempDir(), 'drill');
    const made = await cli([
      'init',
      '--dir',
      dir,
      '--node-id',
      'fi-lic-09',
      '--name',
      'Drill',
      '--country',
      'FI',
      '--exercise',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/^initialised EXERCISE node fi-lic-09/);
    expect(JSON.parse(made.stdout)).toMatchObject({ nodeId: 'fi-lic-09', mode: 'exercise' });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).mode).toBe('exercise');
    const printed = await cli(['bundle', '--dir', dir]);
    expect(JSON.parse(printed.stdout).mode).toBe('exercise');
    expect(drill.bundle.mode).toBe('exercise');
    expect('mode' in live.bundle).toBe(false);
  });

  it('the operator API says which mode, in GET /admin/v1/node and on every response', async () => {
    const d = await drill.op('GET', '/admin/v1/node');
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ nodeId: 'de-enf-01', mode: 'exercise' });
    expect(d.headers.get('entente-mode')).toBe('exercise');
    const l = await live.op('GET', '/admin/v1/node');
    expect(l.body).toMatchObject({ nodeId: 'nl-lic-01', mode: 'live' });
    // even a refusal carries the header
    const refused = await drill.op('GET', '/admin/v1/node', undefined, 'not-a-token');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('entente-mode')).toBe('exercise');
  });

  it('a live node refuses an exercise bundle, and an exercise node a live one, storing nothing either way', async () => {
    const beforeLive = dbDump(live);
    const beforeDrill = dbDump(drill);
    const intoLive = await cli([
      'partner',
      'add',
      '--dir',
      live.dir,
      '--bundle',
      bundleFile(drill),
      '--fingerprint',
      drill.fingerprint,
    ]);
    expect(intoLive.code).toBe(1);
    expect(intoLive.stderr).toMatch(/de-enf-01 is an exercise node and this is a live node/);
    expect(intoLive.stderr.trim().split('\n')).toHaveLength(1);
    const intoDrill = await cli([
      'partner',
      'add',
      '--dir',
      drill.dir,
      '--bundle',
      bundleFile(live),
      '--fingerprint',
      live.fingerprint,
    ]);
    expect(intoDrill.code).toBe(1);
    expect(intoDrill.stderr).toMatch(/nl-lic-01 is a live node and this is an exercise node/);
    // the API answers problem+json with a stable code
    const api = await live.op('PUT', `/admin/v1/partners/${drill.nodeId}`, {
      bundle: drill.bundle,
      fingerprint: drill.fingerprint,
    });
    expect(api.status).toBe(400);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(api.body.type).toBe('urn:entente:problem:mode-mismatch');
    expect(dbDump(live)).toBe(beforeLive);
    expect(dbDump(drill)).toBe(beforeDrill);
    expect((await live.op('GET', '/admin/v1/partners')).body.items).toEqual([]);
  });

  it('a live bundle with `mode` added by hand is refused for its fingerprint; two exercise nodes pair', async () => {
    const forged = { ...live.bundle, mode: 'exercise' };
    const r = await drill.op('PUT', `/admin/v1/partners/${live.nodeId}`, {
      bundle: forged,
      fingerprint: live.fingerprint,
    });
    expect(r.body.type).toBe('urn:entente:problem:fingerprint-mismatch');
    const ok = await cli([
      'partner',
      'add',
      '--dir',
      drill.dir,
      '--bundle',
      bundleFile(drill2),
      '--fingerprint',
      drill2.fingerprint,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const back = await drill2.op('PUT', `/admin/v1/partners/${drill.nodeId}`, {
      bundle: drill.bundle,
      fingerprint: drill.fingerprint,
    });
    expect(back.status).toBe(201);
    // over the pinned link, GET /v1/node says it too
    const info = await drill.clientTo(drill2).call('GET', '/v1/node', undefined, 10_000);
    expect(info.json()).toMatchObject({ nodeId: 'jp-lic-01', mode: 'exercise', protocolVersions: ['1.0', '1.1'] });
    const unknown = await drill.op('PUT', `/admin/v1/partners/${drill2.nodeId}`, {
      bundle: { ...drill2.bundle, mode: 'rehearsal' },
      fingerprint: drill2.fingerprint,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toBe('urn:entente:problem:validation');
  });

  it('a node stays what it was made: editing config.json /mode stops it at start, naming the setting', async () => {
    const n = await startTestNode('fr-lic-03', { country: 'FR' });
    await n.stop();
    const file = join(n.dir, 'config.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...raw, mode: 'exercise' }));
    const config = loadConfig(n.dir);
    await expect(createNode(config, loadSecrets(config), { federationPort: 0, operatorPort: 0 })).rejects.toThrow(
      /config.json \/mode: this node's database was created as a live node and cannot become an exercise node/,
    );
    // `config check` says the same, without starting
    const checked = await cli(['config', 'check', '--dir', n.dir]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/config.json \/mode: this node's database was created as a live node/);
  });
  it('a database from before modes existed stays live once it holds records, whatever config.json says', async () => {
    const n = await startTestNode('fr-lic-04', { country: 'FR' });
    expect((await n.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'))).status).toBe(201);
    await n.stop();
    // as a database made before modes existed: no recorded mode
    const db = new Database(n.config.files.database);
    db.prepare("DELETE FROM meta WHERE key = 'mode'").run();
    db.close();
    const file = join(n.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), mode: 'exercise' }));
    const config = loadConfig(n.dir);
    await expect(createNode(config, loadSecrets(config), { federationPort: 0, operatorPort: 0 })).rejects.toThrow(
      /created as a live node and cannot become an exercise node/,
    );
    const after = new Database(n.config.files.database, { readonly: true });
    expect(after.prepare("SELECT value FROM meta WHERE key = 'mode'").get()).toBeUndefined();
    after.close();
  });
});
