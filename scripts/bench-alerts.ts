// npm run bench:alerts (issue 19, docs/protocol.md §14; not part of npm test): A (this process) holds
// a backlog of routine releases for B (a separate process, real mTLS) and replication is running;
// meanwhile A publishes alerts one at a time.
//   alerts     publish-to-visible at B and publish-to-RECEIVED-at-A, p50/p99, over --alerts N FLASH alerts
//   routine    publish-to-visible at B of routine records published during the same backlog (same run)
//   outage     B stopped for --down seconds; a FLASH alert published meanwhile; time from B's return
//              (its health answering) to the alert visible at B
// Options: --backlog N (default 20000), --alerts N (default 100), --routine N (default 20),
// --down S (default 60).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  benchAgreement,
  benchDenial,
  initBenchNode,
  log,
  numberArg,
  pct,
  remoteApi,
  remoteBundle,
  sleep,
  startLocal,
  startRemote,
  stopRemote,
  type Remote,
} from './bench-kit.js';

const BACKLOG = numberArg('backlog', 20_000);
const ALERTS = numberArg('alerts', 100);
const ROUTINE = numberArg('routine', 20);
const DOWN = numberArg('down', 60);
const work = mkdtempSync(join(tmpdir(), 'entente-bench-alerts-'));

function denial(i: number, alert?: 'FLASH'): Record<string, any> {
  const r = benchDenial(`BENCH-ALERT-${i}`, `Harbourline Trading ${i} FZE`);
  if (alert) r.alert = { level: alert, actionRequested: 'Detain the consignment on arrival.' };
  return r;
}

async function main(): Promise<void> {
  log(
    `entente bench:alerts: backlog ${BACKLOG}, ${ALERTS} FLASH alerts, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const aDir = join(work, 'nl-lic-01');
  initBenchNode(aDir, 'nl-lic-01', 'A', 'NL');
  const {
    node: a,
    bundle: aBundle,
    fingerprint: aFingerprint,
  } = await startLocal(aDir, { sync: { autoStart: false } });

  const bDir = join(work, 'jp-lic-01');
  const b: Remote = { dir: bDir, opUrl: '', token: initBenchNode(bDir, 'jp-lic-01', 'B', 'JP'), proc: null };
  await startRemote(b);
  const { bundle: bBundle, fingerprint: bFingerprint } = remoteBundle(b);
  a.services.partnerAdmin.put('jp-lic-01', bBundle, bFingerprint, { agreement: benchAgreement('jp-lic-01') }, 'bench');
  await remoteApi(b, 'PUT', '/admin/v1/partners/nl-lic-01', { bundle: aBundle, fingerprint: aFingerprint });
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
