// Reference lists and their versions (docs/screening.md, "Reference lists"): which version of each
// list screening sees, what an import replaces, and the rows no version sees any more.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface ReferenceListRow {
  name: string;
  /** The file it came from (its name as uploaded). */
  source: string;
  entries: number;
  names: number;
  imported_at: string;
  digest: string;
  version: number;
  format: string;
  /** JSON: what the last import changed ({at, added, removed, changed, seconds}). */
  last_import: string;
}

export class ReferenceListTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(db: Db) {
    this.q = preparer(db);
  }
  all(): ReferenceListRow[] {
    return this.q('SELECT * FROM reference_lists ORDER BY name').all() as ReferenceListRow[];
  }
  get(name: string): ReferenceListRow | undefined {
    return this.q('SELECT * FROM reference_lists WHERE name = ?').get(name) as ReferenceListRow | undefined;
  }
  /** The version in force of every list, by index source (`list:<name>`). */
  versions(): Map<string, number> {
    const rows = this.q('SELECT name, version FROM reference_lists').all() as { name: string; version: number }[];
    return new Map(rows.map((r) => [`list:${r.name}`, r.version]));
  }
  /** The digest of each entry of a list as it is in force. */
  digests(source: string, version: number): Map<string, string> {
    const rows = this.q(
      `SELECT list_ref AS ref, entry_digest AS d FROM screen_entries
       WHERE source = ? AND list_from <= ? AND (list_to IS NULL OR list_to > ?) GROUP BY list_ref`,
    ).all(source, version, version) as { ref: string; d: string }[];
    return new Map(rows.map((r) => [r.ref, r.d]));
  }
  /** Marks the rows of these entries as gone from `version` on (still seen until the list switches to it). */
  retire(source: string, refs: string[], version: number): void {
    if (refs.length === 0) return;
    this.q(
      `UPDATE screen_entries SET list_to = ? WHERE source = ? AND list_ref IN (SELECT value FROM json_each(?))
       AND list_to IS NULL AND list_from < ?`,
    ).run(version, source, JSON.stringify(refs), version);
  }
  /** Puts a version of a list in force. */
  switchTo(r: ReferenceListRow): void {
    this.q(
      `INSERT INTO reference_lists (name, source, entries, names, imported_at, digest, version, format, last_import)
       VALUES (@name, @source, @entries, @names, @imported_at, @digest, @version, @format, @last_import)
       ON CONFLICT (name) DO UPDATE SET source = excluded.source, entries = excluded.entries, names = excluded.names,
         imported_at = excluded.imported_at, digest = excluded.digest, version = excluded.version,
         format = excluded.format, last_import = excluded.last_import`,
    ).run(r);
  }
  /**
   * Rows of a list that no version sees: superseded by the version in force, or written by an import that did not
   * finish.
   */
  unseenRows(source: string, version: number, limit: number): number[] {
    return (
      this.q('SELECT row_id FROM screen_entries WHERE source = ? AND (list_to <= ? OR list_from > ?) LIMIT ?').all(
        source,
        version,
        version,
        limit,
      ) as {
        row_id: number;
      }[]
    ).map((r) => r.row_id);
  }
  /** Undoes the marks of an import that did not finish. */
  unretire(source: string, version: number): void {
    this.q('UPDATE screen_entries SET list_to = NULL WHERE source = ? AND list_to > ?').run(source, version);
  }
  /**
   * Index sources that hold list rows (lists with rows but no reference_lists row included: an interrupted first
   * import).
   */
  sources(): string[] {
    return (
      this.q("SELECT DISTINCT source FROM screen_entries WHERE source LIKE 'list:%'").all() as { source: string }[]
    ).map((r) => r.source);
  }
}
