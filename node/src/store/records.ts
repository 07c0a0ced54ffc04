// Record versions (immutable rows) and the per-record current-state index with search terms.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface RecordVersionRow {
  row_id: number;
  id: string;
  version: number;
  view: number;
  type: 'denial' | 'finding';
  origin: string;
  own: number;
  status: string;
  body: string;
  digest: string;
  signature: string | null;
  jws: string | null;
  redacted: string | null;
  agreement: string | null;
  stream: string | null;
  seq: number | null;
  updated_at: string;
  stored_at: string;
}

export interface RecordRow {
  id: string;
  type: 'denial' | 'finding';
  origin: string;
  own: number;
  current_row: number;
  version: number;
  status: string;
  originator_reference: string;
  created_at: string;
  updated_at: string;
  recalled: number;
  order_key: number;
  /** Cross-version findings awaiting an analyst's review (a JSON array), or null. */
  review: string | null;
}

export interface RecordQuery {
  q?: string;
  type?: string;
  origin?: string;
  status?: string;
  destination?: string;
  control?: string;
  regime?: string;
  afterKey?: number;
  limit: number;
}

export interface Term {
  kind: 'regime' | 'control' | 'destination';
  value: string;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export class RecordsTable {
  private readonly q: (sql: string) => Database.Statement;
  private readonly insertVersionStmt;
  private readonly currentStmt;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
    this.insertVersionStmt = db.prepare(
      `INSERT INTO record_versions (id, version, view, type, origin, own, status, body, digest, signature, jws, redacted, agreement, stream, seq, updated_at, stored_at)
       VALUES (@id, @version, @view, @type, @origin, @own, @status, @body, @digest, @signature, @jws, @redacted, @agreement, @stream, @seq, @updated_at, @stored_at)`,
    );
    this.currentStmt = db.prepare('SELECT * FROM records WHERE id = ?');
  }

  insertVersion(row: Omit<RecordVersionRow, 'row_id'>): number {
    return Number(this.insertVersionStmt.run(row).lastInsertRowid);
  }

  /** Points the record's current state at a version row and refreshes its search terms. */
  setCurrent(
    row: RecordVersionRow & { row_id: number },
    originatorReference: string,
    createdAt: string,
    terms: Term[],
    recalled = false,
    known?: RecordRow | null,
  ): void {
    const existing =
      known === undefined ? (this.currentStmt.get(row.id) as RecordRow | undefined) : (known ?? undefined);
    if (existing) {
      this.q(
        'UPDATE records SET current_row = ?, version = ?, status = ?, updated_at = ?, recalled = ? WHERE id = ?',
      ).run(row.row_id, row.version, row.status, row.updated_at, recalled ? 1 : 0, row.id);
    } else {
      this.q(
        `INSERT INTO records (id, type, origin, own, current_row, version, status, originator_reference, created_at, updated_at, recalled, order_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.id,
        row.type,
        row.origin,
        row.own,
        row.row_id,
        row.version,
        row.status,
        originatorReference,
        createdAt,
        row.updated_at,
        recalled ? 1 : 0,
        row.row_id,
      );
    }
    if (existing) this.q('DELETE FROM record_terms WHERE id = ?').run(row.id);
    this.q('INSERT OR IGNORE INTO screen_queue (record_id) VALUES (?)').run(row.id);
    // one statement for all terms of the record (a statement per term is a measurable share of ingest)
    const unique = [...new Map(terms.map((t) => [`${t.kind}\u0000${t.value}`, t])).values()];
    for (let i = 0; i < unique.length; i += 32) {
      const chunk = unique.slice(i, i + 32);
      this.q(
        `INSERT OR IGNORE INTO record_terms (id, kind, value) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      ).run(...chunk.flatMap((t) => [row.id, t.kind, t.value]));
    }
  }

  /** Adds a cross-version finding to the record's review list (the record is labelled until it is reviewed). */
  addReview(id: string, finding: unknown): void {
    const row = this.q('SELECT review FROM records WHERE id = ?').get(id) as { review: string | null } | undefined;
    const list = row?.review ? (JSON.parse(row.review) as unknown[]) : [];
    this.q('UPDATE records SET review = ? WHERE id = ?').run(JSON.stringify([...list, finding]), id);
  }

  /** Clears the review list; returns what it held (null when nothing awaited review). */
  clearReview(id: string): string | null {
    const row = this.q('SELECT review FROM records WHERE id = ?').get(id) as { review: string | null } | undefined;
    if (!row?.review) return null;
    this.q('UPDATE records SET review = NULL WHERE id = ?').run(id);
    return row.review;
  }

  /** How many of a partner's records await review. */
  reviewCount(origin: string): number {
    return (
      this.q('SELECT count(*) AS n FROM records WHERE origin = ? AND review IS NOT NULL').get(origin) as { n: number }
    ).n;
  }

  markRecalled(id: string): void {
    this.q('UPDATE records SET recalled = 1 WHERE id = ?').run(id);
    this.q('INSERT OR IGNORE INTO screen_queue (record_id) VALUES (?)').run(id);
  }

  addPublication(id: string, version: number, rowId: number, at: string): number {
    return Number(
      this.q('INSERT INTO publications (id, version, row_id, published_at) VALUES (?, ?, ?, ?)').run(
        id,
        version,
        rowId,
        at,
      ).lastInsertRowid,
    );
  }

  current(id: string): RecordRow | undefined {
    return this.currentStmt.get(id) as RecordRow | undefined;
  }

  currentVersion(id: string): RecordVersionRow | undefined {
    return this.q('SELECT v.* FROM records r JOIN record_versions v ON v.row_id = r.current_row WHERE r.id = ?').get(
      id,
    ) as RecordVersionRow | undefined;
  }

  version(id: string, version: number): RecordVersionRow | undefined {
    return this.q('SELECT * FROM record_versions WHERE id = ? AND version = ? ORDER BY view DESC LIMIT 1').get(
      id,
      version,
    ) as RecordVersionRow | undefined;
  }

  history(id: string): RecordVersionRow[] {
    return this.q('SELECT * FROM record_versions WHERE id = ? ORDER BY version, view').all(id) as RecordVersionRow[];
  }

  /** The release JWS a received version came in (kept once, as inbound evidence). */
  inboundJws(partner: string, stream: string, seq: number): string | undefined {
    return (
      this.q('SELECT jws FROM inbound WHERE partner = ? AND stream = ? AND seq = ?').get(partner, stream, seq) as
        { jws: string } | undefined
    )?.jws;
  }

  ownReferenceTaken(type: string, reference: string): boolean {
    return !!this.q('SELECT 1 FROM records WHERE own = 1 AND type = ? AND originator_reference = ?').get(
      type,
      reference,
    );
  }

  search(q: RecordQuery): (RecordRow & { body: string })[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const term = (kind: string, op: string) =>
      `EXISTS (SELECT 1 FROM record_terms t WHERE t.id = r.id AND t.kind = '${kind}' AND t.value ${op})`;
    const add = (clause: string, arg: unknown) => {
      where.push(clause);
      args.push(arg);
    };
    if (q.type) add('r.type = ?', q.type);
    if (q.origin) add('r.origin = ?', q.origin);
    if (q.status) add('r.status = ?', q.status);
    if (q.afterKey !== undefined) add('r.order_key > ?', q.afterKey);
    if (q.destination) add(term('destination', '= ?'), q.destination);
    if (q.regime) add(term('regime', '= ?'), q.regime);
    if (q.control) add(term('control', "LIKE ? ESCAPE '\\'"), likeEscape(q.control) + '%');
    if (q.q) {
      where.push("(v.body LIKE ? ESCAPE '\\' OR r.originator_reference LIKE ? ESCAPE '\\')");
      const pattern = '%' + likeEscape(q.q) + '%';
      args.push(pattern, pattern);
    }
    const sql = `SELECT r.*, v.body AS body FROM records r JOIN record_versions v ON v.row_id = r.current_row
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY r.order_key LIMIT ?`;
    args.push(q.limit);
    return this.q(sql).all(...args) as (RecordRow & { body: string })[];
  }
}
