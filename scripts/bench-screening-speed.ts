// npm run bench:screening:speed [-- SIZES…]: at each index size (default 100,000 and 1,000,000 names:
// the CSL's names plus generated variants), the index build, latency per party (p50, p95), the batch
// rate (10,000 parties, 200 a request as the CLI sends them), the import rate of a FollowTheMoney file
// through the import job (worker thread, batches written on this thread), and the peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ReferenceListImports } from '../node/src/screening/imports.js';
import { ScreeningService } from '../node/src/screening/service.js';
import { nameEntry } from '../node/src/screening/terms.js';
import { AuditService } from '../node/src/core/audit.js';
import { systemClock } from '../node/src/core/clock.js';
import { Store, type ScreenInsert } from '../node/src/store/index.js';
import { loadCsl } from './screening-eval/data.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const IMPORT_ENTITIES = Number(process.env.ENTENTE_BENCH_IMPORT ?? 100_000);
const base = loadCsl().flatMap((p) => p.names);
const SYL = [
  'ka',
  'ro',
  'mi',
  'tek',
  'sha',
  'lin',
  'vor',
  'den',
  'bel',
  'zan',
  'tor',
  'qui',
  'mar',
  'sol',
  'nex',
  'ori',
];
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const word = () =>
  Array.from({ length: 2 + Math.floor(rand() * 2) }, () => SYL[Math.floor(rand() * SYL.length)]).join('');
function variant(i: number): string {
  const tokens = base[i % base.length]!.split(/\s+/);
  return rand() < 0.5
    ? `${word()} ${tokens.slice(0, 2).join(' ')} ${word()}`
    : `${tokens[0]} ${word()} ${word()} Trading Co`;
}
const log = (s: string) => process.stderr.write(`${s}\n`);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

for (const size of sizes.length ? sizes : [100_000, 1_000_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'entente-screen-speed-'));
  const store = Store.open(join(dir, 'speed.db'));
  const audit = new AuditService(store, systemClock);
  const service = new ScreeningService(store, audit, systemClock);
  const t0 = performance.now();
  for (let start = 0; start < size; start += 5000) {
    const batch: ScreenInsert[] = [];
    for (let i = start; i < Math.min(size, start + 5000); i++) {
      const e = nameEntry(i < base.length ? base[i]! : variant(i), {
        source: 'list:speed',
        list_ref: String(i),
        name_type: 'PRIMARY',
      });
      if (e) batch.push(e);
    }
    store.tx(() => store.screening.insertMany(batch));
    if ((start + 5000) % 100_000 === 0)
      log(`  ${start + 5000} names indexed, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const build = (performance.now() - t0) / 1000;
  const lat: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    service.screen([{ name: base[(i * 37) % base.length]! }]);
    lat.push(performance.now() - t);
  }
  // batch: 10,000 parties (listed names and variants, half with a country), 200 a request
  const parties = Array.from({ length: 10_000 }, (_, i) => ({
    name: i % 2 ? base[(i * 13) % base.length]! : variant(i * 7),
    ...(i % 3 ? {} : { country: 'RU' }),
  }));
  const tb = performance.now();
  for (let i = 0; i < parties.length; i += 200) service.screen(parties.slice(i, i + 200));
  const batchSeconds = (performance.now() - tb) / 1000;
  const rate = (n: number, sec: number) => Math.round(n / sec);
  console.log(
    `${size} names: index build ${build.toFixed(1)} s (${rate(size, build)} names/s); ` +
      `latency per party p50 ${pct(lat, 0.5).toFixed(1)} ms, p95 ${pct(lat, 0.95).toFixed(1)} ms; ` +
      `batch of 10,000 parties ${batchSeconds.toFixed(1)} s (${rate(10_000, batchSeconds)} parties/s)`,
  );
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

// the import job: a FollowTheMoney file of IMPORT_ENTITIES companies (two names each) into an empty node database
{
  const dir = mkdtempSync(join(tmpdir(), 'entente-import-speed-'));
  const store = Store.open(join(dir, 'node.db'));
  const imports = new ReferenceListImports(
    store,
    new AuditService(store, systemClock),
    systemClock,
    join(dir, 'imports'),
  );
  const lines: string[] = [];
  for (let i = 0; i < IMPORT_ENTITIES; i++)
    lines.push(
      JSON.stringify({
        id: `e${i}`,
        schema: 'Company',
        properties: { name: [variant(i)], alias: [variant(i + 1)], country: ['ru'] },
      }),
    );
  // the longest the node's own thread is held up during the import: what a /healthz request waits at most
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const t = performance.now();
  let job = await imports.start(
    Readable.from([Buffer.from(lines.join('\n') + '\n')]),
    { list: 'speed', format: 'ftm' },
    'bench',
  );
  while (job.state === 'indexing') {
    await new Promise((r) => setTimeout(r, 200));
    job = imports.get(job.id)!;
  }
  const s = (performance.now() - t) / 1000;
  console.log(
    `import of ${IMPORT_ENTITIES} entities (${job.result?.names} names), FollowTheMoney: ${s.toFixed(1)} s ` +
      `(${Math.round((job.result?.names ?? 0) / s)} names/s), ${job.state}`,
  );
  stalls.disable();
  console.log(
    `longest stall of the node's thread during the import: ${(stalls.max / 1e6).toFixed(1)} ms ` +
      `(p99 ${(stalls.percentile(99) / 1e6).toFixed(1)} ms; target: /healthz answers within 100 ms)`,
  );
  await imports.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
