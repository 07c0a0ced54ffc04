// Migration 14 (token expiry, the metrics role) rebuilds the tokens table around the two tables that
// refer to it: a node upgraded from 13 keeps its tokens, export allowances and console sessions.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../node/src/store/db.js';
import { MIGRATIONS } from '../../node/src/store/migrations.js';
import { tempDir } from '../helpers/nodes.js';

describe('migration 14', () => {
  it('keeps tokens, export allowances and console sessions, and accepts the metrics role and an expiry', () => {
    const db = new Database(join(tempDir(), 'old.db'));
    db.pragma('foreign_keys = ON');
    db.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    for (const m of MIGRATIONS.filter((m) => m.version < 14)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-01-01T00:00:00Z');
    }
    db.prepare(
      "INSERT INTO tokens (name, role, hash, created_at, last_used_at) VALUES ('opencti', 'consumer', 'h1', 't0', 't1')",
    ).run();
    db.prepare("INSERT INTO export_access VALUES ('opencti', 'GREEN', '[\"own\"]', 't0')").run();
    db.prepare("INSERT INTO tokens (name, role, hash, created_at) VALUES ('desk', 'analyst', 'h2', 't0')").run();
    db.prepare(
      "INSERT INTO console_sessions (id_hash, token_name, csrf, created_at, last_seen_at) VALUES ('s', 'desk', 'c', 1, 2)",
    ).run();
    expect(migrate(db)).toBe(MIGRATIONS.filter((m) => m.version >= 14).length);
    expect(db.prepare('SELECT name, role, last_used_at, expires_at FROM tokens ORDER BY name').all()).toEqual([
      { name: 'desk', role: 'analyst', last_used_at: null, expires_at: null },
      { name: 'opencti', role: 'consumer', last_used_at: 't1', expires_at: null },
    ]);
    expect(db.prepare('SELECT token, max_tlp FROM export_access').all()).toEqual([
      { token: 'opencti', max_tlp: 'GREEN' },
    ]);
    expect(db.prepare('SELECT id_hash, token_name FROM console_sessions').all()).toEqual([
      { id_hash: 's', token_name: 'desk' },
    ]);
    db.prepare(
      "INSERT INTO tokens (name, role, hash, created_at, expires_at) VALUES ('prom', 'metrics', 'h3', 't0', 't9')",
    ).run();
    expect(() => db.prepare("INSERT INTO export_access VALUES ('nobody', 'GREEN', '[]', 't0')").run()).toThrow(
      /FOREIGN KEY/,
    );
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});
