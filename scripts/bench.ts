// npm run bench: figures as ratios against a floor measured in the same run (not part of npm test).
//   floor        one process: canonicalise + sign + verify + validate + batched insert per record
//   replication  20,000 denial versions on A, pushed over real mTLS to B (a separate process) until B
//                holds them all verified and committed
//   latency      publish-to-visible at B for single records under push (p50/p99)
//   catch-up     B stopped while A publishes 20,000; B restarted; drain time and an exactly-once check
//   ingest alone the same releases into a fresh receiver in this process: B's work without the
//                sender and the network on the same two cores (replication's ceiling here)
// Options: --records N (default 20000), --latency N (default 200), --json FILE.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { canonicalString } from '../node/src/crypto/canonical.js';
import { FileSigner, verifyJws } from '../node/src/crypto/jws.js';
import { generateSigningKey, publicJwk } from '../node/src/crypto/keys.js';
import { checkReleasedRecord } from '../node/src/domain/released-record.js';
import type { Bundle } from '../node/src/exchange/bundle.js';
import { example } from '../test/helpers/examples.js';
import {
  benchAgreement,
  benchDenial,
  initBenchNode,
  log,
  numberArg,
  pct,
  remoteApi,
  remoteBundle,
  startLocal,
  startRemote,
  stopRemote,
  type Remote,
} from './bench-kit.js';

const N = numberArg('records', 20_000);
const LAT = numberArg('latency', 200);
const jsonOut = (() => {
  const i = process.argv.indexOf('--json');
  return i > 0 ? process.argv[i + 1]! : join(import.meta.dirname, '..', 'bench-results', 'latest.json');
})();
const work = mkdtempSync(join(tmpdir(), 'entente-bench-'));
// BENCH_PROFILE=DIR: B writes a CPU profile there
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

const denial = (i: number) => benchDenial(`BENCH-${i}`, `Harbourline Trading ${i} FZE`);

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
type BenchRemote = Remote & { bundle: Bundle; fingerprint: string };

/** B listens on port 0 at its first start; the ports it reports in run.json are then kept (restarts). */
async function makeRemote(nodeId: string): Promise<BenchRemote> {
  const dir = join(work, nodeId);
  const r: Remote = { dir, opUrl: '', token: initBenchNode(dir, nodeId, nodeId, 'JP'), proc: null };
  await startRemote(r, profile);
  return { ...r, ...remoteBundle(r) };
}

async function heldBy(r: Remote, origin: string): Promise<number> {
  // count via the operator API's cursor pages (1000 per page)
  let n = 0;
  let after = '';
  for (;;) {
    const page = await remoteApi(
      r,
      'GET',
      `/admin/v1/records?origin=${origin}&limit=1000${after ? `&after=${after}` : ''}`,
    );
    n += page.items.length;
    if (!page.next) return n;
    after = page.next;
  }
}

async function main(): Promise<void> {
  log(`entente bench: ${N} records, ${cpus().length} cores, node ${process.version}`);
  log('1/5 floor: canonicalise + sign + verify + validate + batched insert, one process…');
  const floorRate = floor(Math.min(N, 10_000));
  log(`    ${floorRate.toFixed(0)} records/s`);

  const aDir = join(work, 'nl-lic-01');
  initBenchNode(aDir, 'nl-lic-01', 'A', 'NL');
  const {
    node: a,
    bundle: aBundle,
    fingerprint: aFingerprint,
  } = await startLocal(aDir, { sync: { autoStart: false } });
  const aConfig = loadConfig(aDir);
  const aSecrets = loadSecrets(aConfig);
  const b = await makeRemote('jp-lic-01');
  const ag = benchAgreement('jp-lic-01');
  a.services.partnerAdmin.put('jp-lic-01', b.bundle, b.fingerprint, { agreement: ag }, 'bench');
  await remoteApi(b, 'PUT', '/admin/v1/partners/nl-lic-01', { bundle: aBundle, fingerprint: aFingerprint });
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
  await startRemote(b, profile);
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
  initBenchNode(cDir, 'jp-lic-01', 'B alone', 'JP');
  const cConfig = loadConfig(cDir);
  const c = await createNode(cConfig, loadSecrets(cConfig), { sync: { autoStart: false } });
  c.services.partnerAdmin.put('nl-lic-01', aBundle, aFingerprint, {}, 'bench');
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
