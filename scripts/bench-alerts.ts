// npm run bench:alerts (issue 19, docs/protocol.md §14; not part of npm test): A (this process) holds
// a backlog of routine releases for B (a separate process, real mTLS) and replication is running;
// meanwhile A publishes alerts one at a time.
//   alerts     publish-to-visible at B and publish-to-RECEIVED-at-A, p50/p99, over --alerts N FLASH alerts
//   routine    publish-to-visible at B of routine records published during the same backlog (same run)
//   outage     B stopped for --down seconds; a FLASH alert published meanwhile; time from B's return
//              (its health answering) to the alert visible at B
// Options: --backlog N (default 20000), --alerts N (default 100), --routine N (default 20),
// --down S (default 60).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createNode, type EntenteNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { readRunFile } from '../node/src/config/run-file.js';
import { buildBundle, bundleFingerprint } from '../node/src/exchange/bundle.js';
import { initNode, keepBoundAddresses } from '../node/src/services/node-init.js';
import { example } from '../test/helpers/examples.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const BACKLOG = arg('backlog', 20_000);
const ALERTS = arg('alerts', 100);
const ROUTINE = arg('routine', 20);
const DOWN = arg('down', 60);
const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'entente-bench-alerts-'));
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ASSIGNED = ['id', 'version', 'supersedes', 'changeType', 'originatorNodeId', 'originatorCountry'];
function denial(i: number, alert?: 'FLASH'): Record<string, any> {
  const r = example('denial-wa-sensitive');
  for (const k of [...ASSIGNED, 'createdAt', 'updatedAt']) delete r[k];
  r.originatorReference = `BENCH-ALERT-${i}`;
  r.parties[0].party.names[0].value = `Harbourline Trading ${i} FZE`;
  if (alert) r.alert = { level: alert, actionRequested: 'Detain the consignment on arrival.' };
  return r;
}

interface Remote {
  dir: string;
  opUrl: string;
  token: string;
  proc: ChildProcess | null;
}

async function startRemote(r: Remote): Promise<void> {
  r.proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'node/src/cli/main.ts'), 'start', '--dir', r.dir, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 600; i++) {
    const run = readRunFile(r.dir);
    if (run && run.pid === r.proc.pid) {
      r.opUrl = run.operator.url;
      if ((await fetch(`${r.opUrl}/healthz`).catch(() => null))?.ok) return;
    }
    await sleep(20);
  }
  throw new Error('remote node did not start');
}

async function stopRemote(r: Remote): Promise<void> {
  const p = r.proc;
  if (!p) return;
  r.proc = null;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  log(
    `entente bench:alerts: backlog ${BACKLOG}, ${ALERTS} FLASH alerts, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
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
  const aBundle = buildBundle(keepBoundAddresses(aDir, a), aSecrets);

  const bDir = join(work, 'jp-lic-01');
  const { adminToken } = initNode({
    dir: bDir,
    nodeId: 'jp-lic-01',
    name: 'B',
    country: 'JP',
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
  });
  const b: Remote = { dir: bDir, opUrl: '', token: adminToken, proc: null };
  await startRemote(b);
  const run = readRunFile(bDir)!;
  const bConfig = keepBoundAddresses(bDir, { federationPort: run.federation.port, operatorPort: run.operator.port });
  const bBundle = buildBundle(bConfig, loadSecrets(bConfig));
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const ag = { ...example('agreement-wide'), partner: 'jp-lic-01', validFrom: day(-30), validUntil: day(365) };
  delete (ag as Record<string, unknown>).version;
  a.services.partnerAdmin.put('jp-lic-01', bBundle, bundleFingerprint(bBundle), { agreement: ag }, 'bench');
  await fetch(`${b.opUrl}/admin/v1/partners/nl-lic-01`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bundle: aBundle, fingerprint: bundleFingerprint(aBundle) }),
  });
  await a.services.links.flush('jp-lic-01');

  log(`1/3 backlog: publishing ${BACKLOG} routine denials on A while B is not pushed to…`);
  for (let i = 0; i < BACKLOG; i++) a.services.records.publish('denial', denial(i), 'bench');
  const bView = new Database(join(bDir, 'entente.db'), { readonly: true });
  const visible = bView.prepare('SELECT 1 FROM records WHERE id = ?');
  const heldAtB = bView.prepare("SELECT count(*) AS n FROM records WHERE origin = 'nl-lic-01'");
  const received = a.store.db.prepare("SELECT 1 FROM acks_in WHERE id = ? AND version = 1 AND slot = 'received'");

  log(`2/3 replication running; ${ALERTS} FLASH alerts one at a time, ${ROUTINE} routine records among them…`);
  a.services.links.start();
  const toVisible: number[] = [];
  const toReceived: number[] = [];
  // whether B was still receiving the backlog when each alert was published
  const duringBacklog: boolean[] = [];
  const total = () => BACKLOG + routine.length;
  const routine: { id: string; t: number }[] = [];
  const every = Math.max(1, Math.floor(ALERTS / Math.max(1, ROUTINE)));
  for (let i = 0; i < ALERTS; i++) {
    if (i % every === 0 && routine.length < ROUTINE) {
      const t = performance.now();
      routine.push({ id: a.services.records.publish('denial', denial(BACKLOG + 10_000 + i), 'bench').id, t });
    }
    duringBacklog.push((heldAtB.get() as { n: number }).n < total() + i);
    const t = performance.now();
    const v = a.services.records.publish('denial', denial(BACKLOG + i, 'FLASH'), 'bench');
    let seen = false;
    for (;;) {
      if (!seen && visible.get(v.id)) {
        seen = true;
        toVisible.push(performance.now() - t);
      }
      if (seen && received.get(v.id)) {
        toReceived.push(performance.now() - t);
        break;
      }
      if (performance.now() - t > 60_000) throw new Error(`alert ${i} not acknowledged within a minute`);
      await sleep(2);
    }
    await sleep(50);
  }
  const backlogLeft = BACKLOG + ALERTS + routine.length - (heldAtB.get() as { n: number }).n;
  const routineMs: number[] = [];
  for (const r of routine) {
    while (!visible.get(r.id)) await sleep(5);
    routineMs.push(performance.now() - r.t);
  }
  log(`    backlog still to deliver when the last alert was acknowledged: ${backlogLeft}`);

  log(`3/3 outage: B down for ${DOWN} s, a FLASH alert published meanwhile…`);
  await a.services.links.flush('jp-lic-01');
  await stopRemote(b);
  const outage = a.services.records.publish('denial', denial(BACKLOG + 50_000, 'FLASH'), 'bench');
  await sleep(DOWN * 1000);
  await startRemote(b);
  const back = performance.now();
  while (!visible.get(outage.id)) await sleep(2);
  const afterReturn = performance.now() - back;

  const f = (x: number) => `${(x / 1000).toFixed(3)} s`;
  const split = (xs: number[], during: boolean) => xs.filter((_, i) => duringBacklog[i] === during);
  const figures = (xs: number[]) => (xs.length ? { n: xs.length, p50: f(pct(xs, 50)), p99: f(pct(xs, 99)) } : { n: 0 });
  const out = {
    machine: { cores: cpus().length, load1: Number(loadavg()[0]!.toFixed(1)) },
    backlog: BACKLOG,
    alerts: ALERTS,
    flashToVisibleAtB: {
      all: figures(toVisible),
      duringBacklog: figures(split(toVisible, true)),
      afterBacklog: figures(split(toVisible, false)),
      target: 'p99 ≤ 1 s',
    },
    flashToReceivedAtA: {
      all: figures(toReceived),
      duringBacklog: figures(split(toReceived, true)),
      afterBacklog: figures(split(toReceived, false)),
      target: 'p99 ≤ 2 s',
    },
    routineToVisibleAtB: {
      n: routineMs.length,
      p50: f(pct(routineMs, 50)),
      p99: f(pct(routineMs, 99)),
      note: 'behind the backlog',
    },
    outage: { downSeconds: DOWN, flashVisibleAfterReturn: f(afterReturn), target: '≤ 2 s' },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  bView.close();
  await stopRemote(b);
  await a.close();
}

main()
  .catch(async (e: unknown) => {
    log(`bench:alerts failed: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
