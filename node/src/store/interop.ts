// Exports (TAXII/STIX, CSV): per-token export settings, the index from STIX ids to records, and the
// read-only queries that walk a collection's record versions in order.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface ExportAccessRow {
  token: string;
  max_tlp: string;
  /** JSON list of collection aliases. */
  collections: string;
  updated_at: string;
}

/** Own records, or the records received from one partner. */
export type CollectionScope = { own: true } | { own: false; origin: string };

export interface ExportVersionRow {
  row_id: number;
  id: string;
  version: number;
  type: 'denial' | 'finding';
  origin: string;
  body: string;
  stored_at: string;
}

export interface ScanQuery {
  scope: CollectionScope;
  /** TLP levels the reader may see. */
  tlps: string[];
  /** Rows after this row_id (0: from the start). */
  afterRow: number;
  /** Only versions stored after this timestamp (ISO 8601, milliseconds). */
  storedAfter?: string;
  /** Only these records. */
  recordIds?: string[];
  limit: number;
}

const COLUMNS = 'v.row_id, v.id, v.version, v.type, v.origin, v.body, v.stored_at';

export class InteropTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }

  access(token: string): ExportAccessRow | undefined {
    return this.q('SELECT * FROM export_access WHERE token = ?').get(token) as ExportAccessRow | undefined;
  }

  setAccess(row: ExportAccessRow): void {
    this.q(
      `INSERT INTO export_access (token, max_tlp, collections, updated_at)
       VALUES (@token, @max_tlp, @collections, @updated_at)
       ON CONFLICT (token) DO UPDATE SET max_tlp = excluded.max_tlp, collections = excluded.collections,
         updated_at = excluded.updated_at`,
    ).run(row);
  }

  /**
   * The filter every export read shares: the collection, the TLP levels, the held view of each
   * version (the latest view where a new stream replaced it), and no recalled record.
   */
  private where(scope: CollectionScope, tlps: string[], args: unknown[]): string {
    const parts = ['r.recalled = 0'];
    if (scope.own) parts.push('v.own = 1');
    else {
      parts.push('v.own = 0 AND v.origin = ?');
      args.push(scope.origin);
    }
    parts.push(`json_extract(v.body, '$.handling.tlp') IN (${tlps.map(() => '?').join(', ') || 'NULL'})`);
    args.push(...tlps);
    parts.push(
      'NOT EXISTS (SELECT 1 FROM record_versions w WHERE w.id = v.id AND w.version = v.version AND w.view > v.view)',
    );
    return parts.join(' AND ');
  }

  /** Versions of a collection in storage order. */
  scan(s: ScanQuery): ExportVersionRow[] {
    const args: unknown[] = [];
    let where = this.where(s.scope, s.tlps, args) + ' AND v.row_id > ?';
    args.push(s.afterRow);
    if (s.storedAfter !== undefined) {
      where += ' AND v.stored_at > ?';
      args.push(s.storedAfter);
    }
    if (s.recordIds) {
      where += ` AND v.id IN (${s.recordIds.map(() => '?').join(', ') || 'NULL'})`;
      args.push(...s.recordIds);
    }
    args.push(s.limit);
    const sql = `SELECT ${COLUMNS} FROM record_versions v JOIN records r ON r.id = v.id
      WHERE ${where} ORDER BY v.row_id LIMIT ?`;
    return this.db.prepare(sql).all(...args) as ExportVersionRow[];
  }

  /** Every visible version of one record, oldest first. */
  versionsOf(recordId: string, scope: CollectionScope, tlps: string[]): ExportVersionRow[] {
    const args: unknown[] = [recordId];
    const where = 'v.id = ? AND ' + this.where(scope, tlps, args);
    const sql = `SELECT ${COLUMNS} FROM record_versions v JOIN records r ON r.id = v.id
      WHERE ${where} ORDER BY v.version`;
    return this.db.prepare(sql).all(...args) as ExportVersionRow[];
  }

  /** The first visible version of a collection (when its shared objects were added), or undefined. */
  first(scope: CollectionScope, tlps: string[]): { row_id: number; stored_at: string } | undefined {
    const args: unknown[] = [];
    const sql = `SELECT v.row_id, v.stored_at FROM record_versions v JOIN records r ON r.id = v.id
      WHERE ${this.where(scope, tlps, args)} ORDER BY v.row_id LIMIT 1`;
    return this.db.prepare(sql).get(...args) as { row_id: number; stored_at: string } | undefined;
  }

  /** The TLP of a record's current version. */
  currentTlp(recordId: string): string | undefined {
    const row = this.q(
      `SELECT json_extract(v.body, '$.handling.tlp') AS tlp
       FROM records r JOIN record_versions v ON v.row_id = r.current_row
       WHERE r.id = ?`,
    ).get(recordId) as { tlp: string } | undefined;
    return row?.tlp;
  }

  // ---------- STIX id index

  indexedUpTo(): number {
    return (this.q('SELECT upto FROM stix_index_state WHERE k = 1').get() as { upto: number }).upto;
  }

  /** Every stored version after a row (own and received, any TLP), for the index. */
  rowsAfter(rowId: number, limit: number): ExportVersionRow[] {
    return this.q(`SELECT ${COLUMNS} FROM record_versions v WHERE v.row_id > ? ORDER BY v.row_id LIMIT ?`).all(
      rowId,
      limit,
    ) as ExportVersionRow[];
  }

  addToIndex(entries: { stixId: string; recordId: string }[], upto: number): void {
    const insert = this.q('INSERT OR IGNORE INTO stix_index (stix_id, record_id) VALUES (?, ?)');
    for (const e of entries) insert.run(e.stixId, e.recordId);
    this.q('UPDATE stix_index_state SET upto = ? WHERE k = 1 AND upto < ?').run(upto, upto);
  }

  recordsOf(stixIds: string[]): string[] {
    if (stixIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT DISTINCT record_id FROM stix_index WHERE stix_id IN (${stixIds.map(() => '?').join(', ')})`)
      .all(...stixIds) as { record_id: string }[];
    return rows.map((r) => r.record_id);
  }
}
