// npm run bench:screening: matcher quality on real data (not part of npm test).
// Index every name (primary and aliases) of the US Consolidated Screening List; query each
// government-written alias with that alias removed from the index while it is queried; report recall@1 and
// recall@10 beside a baseline measured in the same run (exact match after the same normalisation),
// and the false-positive rate at the default threshold on names that are not listed (chimeras: the
// first token of one entity and the last of another). Also latency per query at this index size.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../node/src/domain/csv.js';
import { jaroWinkler, normaliseName } from '../node/src/domain/names.js';
import { AuditService } from '../node/src/services/audit.js';
import { systemClock } from '../node/src/services/clock.js';
import { ScreeningService } from '../node/src/services/screening.js';
import { Store } from '../node/src/store/index.js';

const full = join(import.meta.dirname, '../../shared/data/us_trade_csl/consolidated_2022-05.csv.gz');
const file = existsSync(full) ? full : join(import.meta.dirname, '../test/fixtures/csl-excerpt.csv');
const log = (s: string) => process.stderr.write(`${s}\n`);
let bytes = readFileSync(file);
if (bytes[0] === 0x1f) bytes = gunzipSync(bytes);
const rows = parseCsv(bytes.toString('utf8'));
const header = rows.next().value as string[];
const col = (n: string) => header.indexOf(n);
const entities = new Map<string, { primary: string; aliases: Set<string> }>();
for (const r of rows) {
  const id = r[col('_id')]!;
  const e = entities.get(id) ?? { primary: r[col('name')]!.trim(), aliases: new Set<string>() };
  for (const a of (r[col('alt_names')] ?? '').split(';')) if (a.trim()) e.aliases.add(a.trim());
  entities.set(id, e);
}
log(`${file.split('/').at(-1)}: ${entities.size} entities`);
const dir = mkdtempSync(join(tmpdir(), 'entente-screen-bench-'));
const store = Store.open(join(dir, 'bench.db'));
const service = new ScreeningService(store, new AuditService(store, systemClock), systemClock);
const t0 = performance.now();
const rowOf = new Map<string, number>();
let names = 0;
store.tx(() => {
  for (const [id, e] of entities) {
    for (const [name, type] of [[e.primary, 'PRIMARY'], ...[...e.aliases].map((a) => [a, 'ALIAS'])] as [string, string][]) {
      const n = normaliseName(name);
      if (!n.key) continue;
      rowOf.set(`${id}\u0000${name}`, store.screening.insert({ source: 'list:bench', record_id: null, list_ref: id, party_index: 0, party_role: null, name, name_type: type, key: n.key, skeleton: n.skeleton, countries: '[]', identifiers: '[]' }, []));
      names++;
    }
  }
});
log(`indexed ${names} names of ${entities.size} entities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const db = store.db;
const withoutRow = <T>(rowId: number | undefined, fn: () => T): T => {
  if (rowId === undefined) return fn();
  const row = db.prepare('SELECT * FROM screen_entries WHERE row_id = ?').get(rowId) as Record<string, unknown>;
  db.prepare('DELETE FROM screen_entries WHERE row_id = ?').run(rowId);
  try {
    return fn();
  } finally {
    db.prepare('INSERT INTO screen_entries (row_id, source, record_id, list_ref, party_index, party_role, name, name_type, key, skeleton, countries, identifiers) VALUES (@row_id, @source, @record_id, @list_ref, @party_index, @party_role, @name, @name_type, @key, @skeleton, @countries, @identifiers)').run(row);
  }
};

let q = 0, at1 = 0, at10 = 0, base = 0, simQ = 0, simAt10 = 0;
const lat: number[] = [];
const keyOf = new Map([...entities].map(([id, e]) => [id, normaliseName(e.primary).key]));
for (const [id, e] of entities) {
  for (const alias of e.aliases) {
    const n = normaliseName(alias);
    if (!n.key) continue;
    q++;
    const t = performance.now();
    const hits = withoutRow(rowOf.get(`${id}\u0000${alias}`), () => service.screen([{ name: alias }], { threshold: 0, limit: 10 })[0]!.hits);
    lat.push(performance.now() - t);
    const refs = hits.map((h) => (h.source.kind === 'reference-list' ? h.source.ref : ''));
    if (refs[0] === id) at1++;
    if (refs.includes(id)) at10++;
    if (n.key === keyOf.get(id)) base++;
    const others = [e.primary, ...e.aliases].filter((x) => x !== alias).map((x) => normaliseName(x).key.replace(/ /g, ''));
    if (others.some((o) => jaroWinkler(n.key.replace(/ /g, ''), o) >= 0.8)) {
      simQ++;
      if (refs.includes(id)) simAt10++;
    }
    if (q % 2000 === 0) log(`  ${q} alias queries`);
  }
}
const ids = [...entities.keys()];
let neg = 0, fp = 0;
for (let i = 0; i < Math.min(2000, ids.length - 1); i++) {
  const a = normaliseName(entities.get(ids[i]!)!.primary).tokens;
  const b = normaliseName(entities.get(ids[(i * 7919 + 13) % ids.length]!)!.primary).tokens;
  if (a.length === 0 || b.length === 0) continue;
  const name = `${a[0]} ${b.at(-1)}`;
  if ([...keyOf.values()].includes(normaliseName(name).key)) continue;
  neg++;
  if (service.screen([{ name }], { threshold: 0.7, limit: 1 })[0]!.hits.length > 0) fp++;
}
lat.sort((x, y) => x - y);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1);
console.log('measure                                      figure');
console.log(`alias queries                                ${q}`);
console.log(`recall@1                                     ${(at1 / q).toFixed(3)}`);
console.log(`recall@10                                    ${(at10 / q).toFixed(3)}   (target ≥ 0.95)`);
console.log(`recall@10, aliases string-similar (JW ≥ 0.8) to another name  ${(simAt10 / simQ).toFixed(3)}   (${simQ} queries; target ≥ 0.97)`);
console.log(`baseline: exact match after normalisation (to the primary)  ${(base / q).toFixed(3)}`);
console.log(`false positives at 0.7 on unlisted names     ${(fp / neg).toFixed(3)}   (${neg} names; target ≤ 0.02)`);
console.log(`latency per query p50 / p95 (${names} names)  ${pct(0.5)} / ${pct(0.95)} ms`);
store.close();
rmSync(dir, { recursive: true, force: true });
