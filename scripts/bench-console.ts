// npm run bench:console [-- --records N]: the web console's speed with 100,000 records held (issue 17).
// A publishes N own denials and receives a few hundred from B; A's stream to B holds N releases, all
// acknowledged. Then A runs as its own process (`entente start`) and this script, signed in like a
// browser, times the records list, a record view, a screening of one party and the sync dashboard
// (loopback round trips: an upper bound of the server time), and adds up what a first page load
// transfers (the page and every asset it references).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleSignIn as signIn } from '../test/helpers/console-session.js';
import {
  benchAgreement,
  benchDenial,
  initBenchNode,
  log,
  numberArg,
  pct,
  startLocal,
  startRemote,
  stopRemote,
  type Remote,
} from './bench-kit.js';

const N = numberArg('records', 100_000);
const SAMPLES = numberArg('samples', 200);
const work = mkdtempSync(join(tmpdir(), 'entente-bench-console-'));
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** A node loaded by an earlier run with --keep: its admin token and a sample of its own record ids. */
function loaded(dir: string): { dir: string; token: string; ids: string[] } {
  const db = new Database(join(dir, 'entente.db'), { readonly: true });
  const rows = db.prepare('SELECT id FROM records WHERE own = 1 ORDER BY order_key LIMIT 200 OFFSET 0').all() as {
    id: string;
  }[];
  db.close();
  return { dir, token: readFileSync(join(dir, 'admin.token'), 'utf8').trim(), ids: rows.map((r) => r.id) };
}

function denial(i: number, who: string): Record<string, any> {
  const stem = ['Harbourline', 'Meridian', 'Tianqiao', 'Sandline', 'Kestrel'][i % 5];
  return benchDenial(`${who}-${i}`, `${stem} Trading ${i} FZE`);
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function load(): Promise<{ dir: string; token: string; ids: string[] }> {
  const aDir = join(work, 'nl-lic-01');
  const bDir = join(work, 'jp-lic-01');
  const adminToken = initBenchNode(aDir, 'nl-lic-01', 'NL dual-use licensing', 'NL');
  initBenchNode(bDir, 'jp-lic-01', 'JP export licensing', 'JP');
  const {
    node: a,
    bundle: aBundle,
    fingerprint: aFingerprint,
  } = await startLocal(aDir, { sync: { autoStart: false } });
  const {
    node: b,
    bundle: bBundle,
    fingerprint: bFingerprint,
  } = await startLocal(bDir, { sync: { autoStart: false } });
  a.services.partnerAdmin.put('jp-lic-01', bBundle, bFingerprint, { agreement: benchAgreement('jp-lic-01') }, 'bench');
  b.services.partnerAdmin.put('nl-lic-01', aBundle, aFingerprint, { agreement: benchAgreement('nl-lic-01') }, 'bench');
  // loading only: no fsync per publication (the measured node below reopens the file with synchronous=FULL)
  a.store.db.pragma('synchronous = OFF');
  b.store.db.pragma('synchronous = OFF');
  log(`publishing ${N} denials on A…`);
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const v = a.services.records.publish('denial', denial(i, 'NL-BENCH'), 'bench');
    if (i % 997 === 0) ids.push(v.id);
    if ((i + 1) % 10_000 === 0) log(`  ${i + 1} (${((i + 1) / ((performance.now() - t0) / 1000)).toFixed(0)}/s)`);
  }
  for (let i = 0; i < 300; i++) b.services.records.publish('denial', denial(i, 'JP-BENCH'), 'bench');
  log('replicating A→B and B→A…');
  await a.services.links.flush('jp-lic-01');
  await b.services.links.flush('nl-lic-01');
  log('indexing A for screening…');
  while (a.services.screening.indexPending(5000) > 0) log(`  queue ${a.services.screening.queueLength()}`);
  await a.close();
  await b.close();
  return { dir: aDir, token: adminToken, ids };
}

async function main(): Promise<void> {
  log(`entente bench:console: ${N} records, ${cpus().length} cores, node ${process.version}`);
  // --keep DIR: keep the loaded node in DIR; --reuse DIR: measure a node loaded before (no loading)
  const reuse = flag('reuse');
  const { dir, token, ids } = reuse ? loaded(reuse) : await load();
  const keep = flag('keep');
  if (keep) cpSync(dir, keep, { recursive: true });
  const node: Remote = { dir, opUrl: '', token, proc: null };
  await startRemote(node);
  const url = node.opUrl;
  try {
    const s = await signIn(url, token);
    const time = async (name: string, req: (i: number) => Promise<Response>) => {
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES + 10; i++) {
        const t = performance.now();
        const r = await req(i);
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`${name}: ${r.status}`);
        if (i >= 10) ms.push(performance.now() - t);
      }
      return { name, p50: pct(ms, 50), p95: pct(ms, 95) };
    };
    const get = (path: string) => fetch(url + path, { headers: { cookie: s.cookie } });
    const names = [
      'Harbourline Trading 4711 FZE',
      'Meridian Trading 90210',
      'Tianqiao Tradng 12',
      'Sandline General Trading',
      'Kestrel Trading 77 FZE',
    ];
    const results = [
      await time('records list', (i) => get(i % 2 ? '/records' : '/records?q=Harbourline')),
      await time('record view', (i) => get(`/records/${encodeURIComponent(ids[i % ids.length]!)}`)),
      await time('screening of one party', (i) =>
        fetch(url + '/screen', {
          method: 'POST',
          headers: { cookie: s.cookie, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: s.csrf, mode: 'party', name: names[i % names.length]!, threshold: '0.7' }),
        }),
      ),
      await time('sync dashboard', () => get('/sync')),
      // the charts: their own request, made by the page's script after the page (the table answers first)
      await time('sync charts (own request)', () => get('/sync/charts/jp-lic-01/fragment')),
    ];
    // first page load: the page and every stylesheet, script and icon it references
    const first = async (path: string) => {
      const html = await (await get(path)).text();
      let bytes = Buffer.byteLength(html);
      for (const m of html.matchAll(/(?:(?:href|src)="(\/assets\/[^"]+)"|data-load="([^"]+)")/g))
        bytes += (await (await get((m[1] ?? m[2])!)).arrayBuffer()).byteLength;
      bytes += (await (await get('/assets/favicon.svg')).arrayBuffer()).byteLength;
      return bytes;
    };
    const transfer = {
      records: await first('/records'),
      sync: await first('/sync'),
      publish: await first('/records/new?type=denial'),
    };
    console.log(`\nconsole with ${N} own records held (+300 received), ${SAMPLES} requests each, loopback round trip:`);
    console.log('| page | p50 ms | p95 ms | target p95 |');
    console.log('|---|---|---|---|');
    for (const r of results)
      console.log(
        `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.name.includes('charts') ? '(no target)' : `≤ 150 ${r.p95 <= 150 ? '(met)' : '(NOT met)'}`} |`,
      );
    console.log(
      `\nfirst page load transfer (page + CSS + JS + icon, uncompressed): records list ${kib(transfer.records)}, ` +
        `sync dashboard ${kib(transfer.sync)}, publish form ${kib(transfer.publish)} (target ≤ 300 KB)`,
    );
  } finally {
    await stopRemote(node);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
