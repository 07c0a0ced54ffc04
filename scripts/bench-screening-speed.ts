// npm run bench:screening -- speed: screening latency per party at 100,000 and 1,000,000 indexed
// names (the CSL's names plus generated variants to reach the size), index build time, peak RSS.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../node/src/domain/csv.js';
import { nameEntry } from '../node/src/screening/terms.js';
import type { ScreenInsert } from '../node/src/store/index.js';
import { AuditService } from '../node/src/services/audit.js';
import { systemClock } from '../node/src/services/clock.js';
import { ScreeningService } from '../node/src/screening/service.js';
import { Store } from '../node/src/store/index.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const full = join(import.meta.dirname, '../../shared/data/us_trade_csl/consolidated_2022-05.csv.gz');
const file = existsSync(full) ? full : join(import.meta.dirname, '../test/fixtures/csl-excerpt.csv');
let bytes = readFileSync(file);
if (bytes[0] === 0x1f) bytes = gunzipSync(bytes);
const rows = parseCsv(bytes.toString('utf8'));
const header = rows.next().value as string[];
const base: string[] = [];
for (const r of rows) {
  base.push(r[header.indexOf('name')]!);
  for (const a of (r[header.indexOf('alt_names')] ?? '').split(';')) if (a.trim()) base.push(a.trim());
}
const SYL = ['ka', 'ro', 'mi', 'tek', 'sha', 'lin', 'vor', 'den', 'bel', 'zan', 'tor', 'qui', 'mar', 'sol', 'nex', 'ori'];
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const word = () => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => SYL[Math.floor(rand() * SYL.length)]).join('');
function variant(i: number): string {
  const b = base[i % base.length]!;
  const tokens = b.split(/\s+/);
  return rand() < 0.5 ? `${word()} ${tokens.slice(0, 2).join(' ')} ${word()}` : `${tokens[0]} ${word()} ${word()} Trading Co`;
}
for (const size of sizes.length ? sizes : [100_000, 1_000_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'entente-screen-speed-'));
  const store = Store.open(join(dir, 'speed.db'));
  const service = new ScreeningService(store, new AuditService(store, systemClock), systemClock);
  const t0 = performance.now();
  for (let start = 0; start < size; start += 50_000) {
    const batch: ScreenInsert[] = [];
    store.tx(() => {
      for (let i = start; i < Math.min(size, start + 50_000); i++) {
        const name = i < base.length ? base[i]! : variant(i);
        const e = nameEntry(name, { source: 'list:speed', list_ref: String(i), name_type: 'PRIMARY' });
        if (e) batch.push(e);
      }
      store.screening.insertMany(batch);
    });
    process.stderr.write(`  ${Math.min(size, start + 50_000)} names indexed\n`);
  }
  const build = (performance.now() - t0) / 1000;
  const lat: number[] = [];
  for (let i = 0; i < 500; i++) {
    const q = base[(i * 37) % base.length]!;
    const t = performance.now();
    service.screen([{ name: q }], { threshold: 0.7 });
    lat.push(performance.now() - t);
  }
  lat.sort((x, y) => x - y);
  const p = (x: number) => lat[Math.floor(x * lat.length)]!.toFixed(1);
  console.log(`${size} names: index build ${build.toFixed(1)} s; latency per party p50 ${p(0.5)} ms, p95 ${p(0.95)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
