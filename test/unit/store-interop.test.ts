// Migration 9 (interop) on a database made before it: tokens keep their rows and may now be
// consumers; export settings and the STIX id index start empty.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../node/src/store/index.js';
import { MIGRATIONS } from '../../node/src/store/migrations.js';
import { tempDir } from '../helpers/nodes.js';

let store: Store | undefined;
afterEach(() => store?.close());

describe('migration 11 (interop)', () => {
  it('upgrades a version-8 database (through 9 and 10): tokens kept, the consumer role accepted, nothing else', () => {
    const file = join(tempDir(), 'old.db');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
        'applied_at TEXT NOT NULL) STRICT',
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 8)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date(0).toISOString());
    }
    old
      .prepare('INSERT INTO tokens (name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)')
      .run('desk', 'analyst', 'h1', 't0', null);
    old
      .prepare('INSERT INTO tokens (name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)')
      .run('gone', 'admin', 'h2', 't0', 't1');
    expect(() =>
      old.prepare("INSERT INTO tokens (name, role, hash, created_at) VALUES ('c', 'consumer', 'h3', 't0')").run(),
    ).toThrow(/CHECK/);
    old.close();

    store = Store.open(file);
    expect(store.tokens.list().map((t) => [t.name, t.role, t.hash, t.revoked_at])).toEqual([
      ['desk', 'analyst', 'h1', null],
      ['gone', 'admin', 'h2', 't1'],
    ]);
    store.tokens.insert('feed', 'consumer', 'h3', 't2');
    expect(store.tokens.byHash('h3')?.role).toBe('consumer');
    expect(() =>
      store!.db.prepare("INSERT INTO tokens (name, role, hash, created_at) VALUES ('x', 'root', 'h4', 't')").run(),
    ).toThrow(/CHECK/);
    expect(store.interop.access('desk')).toBeUndefined();
    expect(store.interop.indexedUpTo()).toBe(0);
    expect(() =>
      store!.interop.setAccess({ token: 'nobody', max_tlp: 'AMBER', collections: '[]', updated_at: 't' }),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      store!.interop.setAccess({ token: 'desk', max_tlp: 'PURPLE', collections: '[]', updated_at: 't' }),
    ).toThrow(/CHECK/);
  });
});
