// npm run bench: figures as ratios against a floor measured in the same run (not part of npm test).
//   floor        one process: canonicalise + sign + verify + validate + batched insert per record
//   replication  20,000 denial versions on A, pushed over real mTLS to B (a separate process) until B
//                holds them all verified and committed
//   latency      publish-to-visible at B for single records under push (p50/p99)
//   catch-up     B stopped while A publishes 20,000; B restarted; drain time and an exactly-once check
//   ingest alone the same releases into a fresh receiver in this process: B's work without the
//                sender and the network on the same two cores (replication's ceiling here)
// Options: --records N (default 20000), --latency N (default 200), --json FILE.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createNode, type EntenteNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { readRunFile } from '../node/src/config/run-file.js';
import { canonicalString } from '../node/src/crypto/canonical.js';
import { FileSigner, verifyJws } from '../node/src/crypto/jws.js';
import { generateSigningKey, publicJwk } from '../node/src/crypto/keys.js';
import { checkReleasedRecord } from '../node/src/domain/released-record.js';
import { initNode, keepBoundAddresses } from '../node/src/services/node-init.js';
import { buildBundle, bundleFingerprint } from '../node/src/exchange/bundle.js';
import { example } from '../test/helpers/examples.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('records', 20_000);
const LAT = arg('latency', 200);
const jsonOut = (() => {
  const i = process.argv.indexOf('--json');
  return i > 0 ? process.argv[i + 1]! : join(import.meta.dirname, '..', 'bench-results', 'latest.json');
})();
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'entente-bench-'));
const log = (s: string) => process.stderr.write(`${s}\n`);

function denial(i: number): Record<string, any> {
  const r = example('denial-wa-sensitive');
  for (const k of [
    'id',
    'version',
    'supersedes',
    'changeType',
    'originatorNodeId',
    'originatorCountry',
    'createdAt',
    'updatedAt',
  ])
    delete r[k];
  r.originatorReference = `BENCH-${i}`;
  r.parties[0].party.names[0].value = `Harbourline Trading ${i} FZE`;
  return r;
}

// ---------------------------------------------------------------- floor
function floor(count: number): number {
  const key = generateSigningKey();
  const signer = new FileSigner(key);
  const keys = [publicJwk(key)];
  const db = new Database(join(work, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE v (id TEXT, version INTEGER, body TEXT, digest TEXT, jws TEXT, PRIMARY KEY (id, version)) STRICT',
  );
  const ins = db.prepare('INSERT INTO v VALUES (?, ?, ?, ?, ?)');
  const base = example('denial-wa-sensitive');
  const t0 = performance.now();
  let batch: unknown[][] = [];
  const flush = db.transaction((rows: unknown[][]) => {
    for (const r of rows) ins.run(...r);
  });
  for (let i = 0; i < count; i++) {
    const record = {
      ...base,
      id: `urn:entente:nl-lic-01:denial:${crypto.randomUUID()}`,
      originatorReference: `F-${i}`,
    };
    const payload = canonicalString({
      iss: 'nl-lic-01',
      aud: 'jp-lic-01',
      stream: 'AAAAAAAAAAAAAAAAAAAAAA',
      seq: i + 1,
      prev: '',
      iat: 1,
      kind: 'record',
      agreement: null,
      record,
      redacted: [],
    });
    const jws = signer.sign(Buffer.from(payload), 'entente-release+jws');
    const v = verifyJws(jws, { typ: 'entente-release+jws', keys });
    if (!v.ok) throw new Error('floor verify failed');
    const p = v.payload as { record: Record<string, unknown> };
    const verdict = checkReleasedRecord(p.record, [], () => 'NL');
    if (verdict.reason) throw new Error(`floor validation failed: ${verdict.reason}`);
    batch.push([p.record.id, 1, JSON.stringify(p.record), v.hash, jws]);
    if (batch.length === 500) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  const rate = count / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

// ---------------------------------------------------------------- nodes
interface Remote {
  dir: string;
  opUrl: string;
  token: string;
  proc: ChildProcess | null;
  bundle: ReturnType<typeof buildBundle>;
  fingerprint: string;
}

/** B listens on port 0 at its first start; the ports it reports in run.json are then kept (restarts). */
async function makeRemote(nodeId: string): Promise<Remote> {
  const dir = join(work, nodeId);
  const { adminToken } = initNode({
    dir,
    nodeId,
    name: nodeId,
    country: 'JP',
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
  });
  const r: Remote = {
    dir,
    opUrl: '',
    token: adminToken,
    proc: null,
    bundle: null as unknown as Remote['bundle'],
    fingerprint: '',
  };
  await startRemote(r);
  const run = readRunFile(dir)!;
  const config = keepBoundAddresses(dir, { federationPort: run.federation.port, operatorPort: run.operator.port });
  r.bundle = buildBundle(config, loadSecrets(config));
  r.fingerprint = bundleFingerprint(r.bundle);
  return r;
}

async function startRemote(r: Remote): Promise<void> {
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  r.proc = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', join(root, 'node/src/cli/main.ts'), 'start', '--dir', r.dir, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 400; i++) {
    const run = readRunFile(r.dir);
    if (run && run.pid === r.proc.pid) {
      r.opUrl = run.operator.url;
      if ((await fetch(`${r.opUrl}/healthz`).catch(() => null))?.ok) return;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('remote node did not start');
}

async function stopRemote(r: Remote): Promise<void> {
  if (!r.proc) return;
  const p = r.proc;
  r.proc = null;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

async function api(r: Remote, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(r.opUrl + path, {
    method,
    headers: { authorization: `Bearer ${r.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : null,
  });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

async function heldBy(r: Remote, origin: string): Promise<number> {
  // count via the operator API's cursor pages (1000 per page)
  let n = 0;
  let after = '';
  for (;;) {
    const page = await api(r, 'GET', `/admin/v1/records?origin=${origin}&limit=1000${after ? `&after=${after}` : ''}`);
    n += page.items.length;
    if (!page.next) return n;
    after = page.next;
  }
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  log(`entente bench: ${N} records, ${cpus().length} cores, node ${process.version}`);
  log('1/5 floor: canonicalise + sign + verify + validate + batched insert, one process…');
  const floorRate = floor(Math.min(N, 10_000));
  log(`    ${floorRate.toFixed(0)} records/s`);

  const aDir = join(work, 'nl-lic-01');
  initNode({
    dir: aDir,
    nodeId: 'nl-lic-01',
    name: 'A',
    country: 'NL',
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
  });
  const aSecrets = loadSecrets(loadConfig(aDir));
  const a: EntenteNode = await createNode(loadConfig(aDir), aSecrets, { sync: { autoStart: false } });
  const aConfig = keepBoundAddresses(aDir, a);
  const aBundle = buildBundle(aConfig, aSecrets);
  const b = await makeRemote('jp-lic-01');
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const ag = { ...example('agreement-wide'), partner: 'jp-lic-01', validFrom: day(-30), validUntil: day(365) };
  delete (ag as Record<string, unknown>).version;
  a.services.partnerAdmin.put('jp-lic-01', b.bundle, b.fingerprint, { agreement: ag }, 'bench');
  await api(b, 'PUT', '/admin/v1/partners/nl-lic-01', { bundle: aBundle, fingerprint: bundleFingerprint(aBundle) });
  await a.services.links.flush('jp-lic-01');

  log(`2/5 replication: publishing ${N} denial versions on A…`);
  const tp = performance.now();
  for (let i = 0; i < N; i++) {
    a.services.records.publish('denial', denial(i), 'bench');
    if ((i + 1) % 5000 === 0) log(`    published ${i + 1}`);
  }
  const publishRate = N / ((performance.now() - tp) / 1000);
  log(`    publish rate ${publishRate.toFixed(0)} records/s; pushing to B over mTLS…`);
  const t0 = performance.now();
  await a.services.links.flush('jp-lic-01');
  const replSeconds = (performance.now() - t0) / 1000;
  const held = await heldBy(b, 'nl-lic-01');
  const replRate = N / replSeconds;
  log(`    B holds ${held}; ${replRate.toFixed(0)} records/s`);

  log(`3/5 latency: ${LAT} single publications 80 ms apart, publish-to-visible at B…`);
  a.services.links.start();
  const lat: number[] = [];
  // visibility is read from B's database through a read-only connection: polling B's operator API
  // would itself load B (every authenticated read is an audited, fsync'd write)
  const bView = new Database(join(b.dir, 'entente.db'), { readonly: true });
  const visible = bView.prepare('SELECT 1 FROM records WHERE id = ?');
  for (let i = 0; i < LAT; i++) {
    const t = performance.now();
    const v = a.services.records.publish('denial', denial(N + i), 'bench');
    while (!visible.get(v.id)) await new Promise((r) => setTimeout(r, 1));
    lat.push(performance.now() - t);
    // one publication at a time, as an officer publishes: back-to-back publications would be
    // coalesced by the sender's push spacing (60 ms) into one batch, which measures the spacing
    await new Promise((r) => setTimeout(r, 80));
  }
  bView.close();
  log(`    p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`);
  await a.close();
  const a2 = await createNode(aConfig, aSecrets, { sync: { autoStart: false } });

  log(`4/5 catch-up: B stopped while A publishes ${N}…`);
  await stopRemote(b);
  for (let i = 0; i < N; i++) {
    a2.services.records.publish('denial', denial(N + LAT + i), 'bench');
    if ((i + 1) % 5000 === 0) log(`    published ${i + 1}`);
  }
  await startRemote(b);
  const tc = performance.now();
  await a2.services.links.flush('jp-lic-01');
  const drain = (performance.now() - tc) / 1000;
  const total = await heldBy(b, 'nl-lic-01');
  const bdb = new Database(join(b.dir, 'entente.db'), { readonly: true });
  const dup = bdb
    .prepare("SELECT count(*) - count(DISTINCT seq) AS d FROM inbound WHERE partner = 'nl-lic-01'")
    .get() as { d: number };
  const gaps = bdb.prepare("SELECT max(seq) - count(*) AS g FROM inbound WHERE partner = 'nl-lic-01'").get() as {
    g: number;
  };
  const versions = bdb
    .prepare(
      "SELECT count(*) - count(DISTINCT id || ':' || version) AS d FROM record_versions WHERE origin = 'nl-lic-01'",
    )
    .get() as { d: number };
  bdb.close();
  const expected = 2 * N + LAT;
  const exactlyOnce = total === expected && dup.d === 0 && gaps.g === 0 && versions.d === 0;
  log(
    `    drained in ${drain.toFixed(1)} s (${(N / drain).toFixed(0)} records/s); B holds ${total}/${expected}; exactly once: ${exactlyOnce}`,
  );
  await stopRemote(b);

  // the receiver's ceiling: B's work on the same releases, without the sender or the network
  log(`5/5 ingest alone: the first ${N} releases A made for B, into a fresh receiver in this process…`);
  const items = a2.store.exchange
    .releasesAfter(a2.store.exchange.outStream('jp-lic-01')!.stream, 0, N)
    .map((r) => r.jws);
  await a2.close();
  const cDir = join(work, 'jp-lic-01-alone');
  initNode({
    dir: cDir,
    nodeId: 'jp-lic-01',
    name: 'B alone',
    country: 'JP',
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
    url: 'https://127.0.0.1:1',
  });
  const cConfig = loadConfig(cDir);
  const c = await createNode(cConfig, loadSecrets(cConfig), { sync: { autoStart: false } });
  c.services.partnerAdmin.put('nl-lic-01', aBundle, bundleFingerprint(aBundle), {}, 'bench');
  const ti = performance.now();
  for (let i = 0; i < items.length; i += 500)
    await c.services.inbound.ingestBatch('nl-lic-01', items.slice(i, i + 500), 'push');
  const aloneRate = items.length / ((performance.now() - ti) / 1000);
  log(`    ${aloneRate.toFixed(0)} records/s`);
  await c.close();

  const results = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version },
    records: N,
    floorRecordsPerSecond: Math.round(floorRate),
    publishRecordsPerSecond: Math.round(publishRate),
    replication: {
      recordsPerSecond: Math.round(replRate),
      seconds: Number(replSeconds.toFixed(2)),
      ratioToFloor: Number((replRate / floorRate).toFixed(2)),
      held,
    },
    latencyMs: { p50: Number(pct(lat, 50).toFixed(1)), p99: Number(pct(lat, 99).toFixed(1)), samples: LAT },
    ingestAlone: {
      recordsPerSecond: Math.round(aloneRate),
      ratioToFloor: Number((aloneRate / floorRate).toFixed(2)),
      releases: items.length,
    },
    catchUp: {
      seconds: Number(drain.toFixed(2)),
      recordsPerSecond: Math.round(N / drain),
      ratioToFloor: Number((N / drain / floorRate).toFixed(2)),
      exactlyOnce,
      held: total,
      expected,
    },
  };
  const rows = [
    ['floor (sign+verify+validate+insert, 1 process)', `${results.floorRecordsPerSecond} rec/s`, '1.00', ''],
    [
      'publish on A (operator path, one tx each)',
      `${results.publishRecordsPerSecond} rec/s`,
      (publishRate / floorRate).toFixed(2),
      '',
    ],
    [
      'replication A→B over mTLS',
      `${results.replication.recordsPerSecond} rec/s`,
      results.replication.ratioToFloor.toFixed(2),
      replRate >= 3000 && replRate / floorRate >= 0.5 ? 'meets ≥3000/s and ≥0.5' : 'BELOW target',
    ],
    [
      'publish-to-visible at B, p50 / p99',
      `${results.latencyMs.p50} / ${results.latencyMs.p99} ms`,
      '',
      results.latencyMs.p99 <= 250 ? 'meets p99 ≤ 250 ms' : 'ABOVE target',
    ],
    [
      'ingest alone at B (same releases, no sender, no network)',
      `${results.ingestAlone.recordsPerSecond} rec/s`,
      results.ingestAlone.ratioToFloor.toFixed(2),
      'the ceiling for replication here',
    ],
    [
      'catch-up drain after B was down',
      `${results.catchUp.recordsPerSecond} rec/s (${results.catchUp.seconds} s)`,
      results.catchUp.ratioToFloor.toFixed(2),
      exactlyOnce ? 'exactly once' : 'NOT exactly once',
    ],
  ];
  const w = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['measure', 'figure', 'vs floor'][i]!.length),
  );
  console.log(['measure'.padEnd(w[0]!), 'figure'.padEnd(w[1]!), 'vs floor'.padEnd(w[2]!), 'target'].join('  '));
  for (const r of rows) console.log([r[0]!.padEnd(w[0]!), r[1]!.padEnd(w[1]!), r[2]!.padEnd(w[2]!), r[3]].join('  '));
  mkdirSync(join(jsonOut, '..'), { recursive: true });
  writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${jsonOut}`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
