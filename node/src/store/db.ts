// Opens the node database: WAL, synchronous=FULL (receipts and API answers depend on commits,
// docs/protocol.md §6.7), foreign keys, busy timeout, and the numbered migrations.
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepare() that caches statements per database: preparing is the expensive part of a small query. */
export function preparer(db: Db): (sql: string) => Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  const c = cache;
  return (sql: string) => {
    let st = c.get(sql);
    if (!st) {
      st = db.prepare(sql);
      c.set(sql, st);
    }
    return st;
  };
}

export interface OpenOptions {
  readonly?: boolean;
  /** Skip migrations (for read-only inspection of another node's file). */
  migrate?: boolean;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.migrate !== false && !options.readonly) migrate(db);
  return db;
}

export function schemaVersion(db: Db): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function migrate(db: Db): number {
  schemaVersion(db);
  // every migration not applied yet, also one numbered below the highest applied (parallel branches
  // take numbers out of order: 15 may be applied before 13 and 14 arrive)
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const pending = MIGRATIONS.filter((m) => !applied.has(m.version));
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
  return pending.length;
}

/** PRAGMA quick_check (or integrity_check when `full`): 'ok' or the first problem. */
export function integrityCheck(db: Db, full = false): string {
  const rows = db.pragma(full ? 'integrity_check' : 'quick_check') as {
    integrity_check?: string;
    quick_check?: string;
  }[];
  const first = rows[0];
  return first?.integrity_check ?? first?.quick_check ?? 'unknown';
}

/** Runs fn in an IMMEDIATE transaction (writers serialise at BEGIN, not at first write). */
export function transaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
