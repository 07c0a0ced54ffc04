// The holdings counter (migration 16): kept by the exchange store with every holdings write, in that
// write's transaction, so the partner list reads one row instead of counting 100,000. It always
// equals the count over the holdings (recalled ones excluded), also after a rolled-back transaction,
// and migration 16 fills it from the holdings an older database already has.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../node/src/store/index.js';
import { MIGRATIONS } from '../../node/src/store/migrations.js';
import { tempDir } from '../helpers/nodes.js';

let store: Store | undefined;
afterEach(() => store?.close());

const same = (s: Store, partner: string) =>
  expect(s.exchange.holdingCount(partner), partner).toBe(s.exchange.holdingCountScanned(partner));

describe('holdings counter', () => {
  it('follows every set, recall, drop and clear, and a rolled-back transaction leaves it as it was', () => {
    store = Store.open(join(tempDir(), 'n.db'));
    const s = store;
    const x = s.exchange;
    x.setHolding('p1', 'r1', 1, false);
    x.setHolding('p1', 'r1', 2, false);
    x.setHolding('p1', 'r2', 1, false);
    x.setHolding('p2', 'r1', 1, false);
    expect([x.holdingCount('p1'), x.holdingCount('p2'), x.holdingCount('p3')]).toEqual([2, 1, 0]);
    x.setHolding('p1', 'r2', 1, true); // recalled: no longer held
    expect(x.holdingCount('p1')).toBe(1);
    x.setHolding('p1', 'r2', 2, false); // released again
    expect(x.holdingCount('p1')).toBe(2);
    x.setHolding('p1', 'r2', 2, true);
    x.dropHolding('p1', 'r2'); // a recalled holding dropped: unchanged
    x.dropHolding('p1', 'r9'); // none: unchanged
    expect(x.holdingCount('p1')).toBe(1);
    x.dropHolding('p1', 'r1');
    expect(x.holdingCount('p1')).toBe(0);
    expect(() =>
      s.tx(() => {
        x.setHolding('p2', 'r5', 1, false);
        x.setHolding('p2', 'r6', 1, false);
        throw new Error('the batch failed');
      }),
    ).toThrow('the batch failed');
    expect(x.holdingCount('p2')).toBe(1);
    x.clearHoldings('p2');
    expect(x.holdingCount('p2')).toBe(0);

    // a few thousand random writes: the counter never drifts from the count
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    s.tx(() => {
      for (let i = 0; i < 3000; i++) {
        const partner = `p${rnd(3)}`;
        const record = `r${rnd(50)}`;
        const op = rnd(10);
        if (op < 6) x.setHolding(partner, record, 1 + rnd(3), rnd(4) === 0);
        else if (op < 9) x.dropHolding(partner, record);
        else if (rnd(20) === 0) x.clearHoldings(partner);
      }
    });
    for (const p of ['p0', 'p1', 'p2']) same(s, p);
  });

  it('is filled by migration 16 from the holdings of an older database; receipts by day read from an index', () => {
    const file = join(tempDir(), 'old.db');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 12)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date(0).toISOString());
    }
    const put = old.prepare('INSERT INTO holdings (partner, record_id, version, recalled) VALUES (?, ?, 1, ?)');
    for (let i = 0; i < 40; i++) put.run('jp-lic-01', `r${i}`, i % 4 === 0 ? 1 : 0);
    put.run('de-baf-01', 'r1', 0);
    old.close();

    store = Store.open(file);
    expect(store.exchange.holdingCount('jp-lic-01')).toBe(30);
    expect(store.exchange.holdingCount('de-baf-01')).toBe(1);
    same(store, 'jp-lic-01');
    const plan = (sql: string) =>
      (store!.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('p', 's', '2026-01-01') as { detail: string }[])
        .map((r) => r.detail)
        .join('; ');
    expect(
      plan(
        `SELECT substr(received_at, 1, 10) AS day, max(up_to) AS value FROM receipts_in
         WHERE partner = ? AND stream = ? AND received_at >= ? GROUP BY day ORDER BY day`,
      ),
    ).toMatch(/USING COVERING INDEX receipts_in_day/);
  });
});
