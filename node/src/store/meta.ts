import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export class MetaTable {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }
  get(key: string): string | undefined {
    return (this.q('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
  set(key: string, value: string): void {
    this.q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }
  delete(key: string): void {
    this.q('DELETE FROM meta WHERE key = ?').run(key);
  }
}
