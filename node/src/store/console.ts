// What the web console keeps (sessions, "last looked" marks) and the few read queries only its pages
// need (new from partners, per-day flow for charts, where a record went).
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';
import type { Role } from '../schema/types.js';

export interface SessionRow {
  id_hash: string;
  token_name: string;
  csrf: string;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
  ended_by: string | null;
}

/** A session joined with its token: the role is the token's current one; a revoked token shows `revoked_at`. */
export interface LiveSessionRow extends SessionRow {
  role: Role;
  revoked_at: string | null;
}

export interface ReceivedVersionRow {
  row_id: number;
  id: string;
  version: number;
  type: 'denial' | 'finding';
  origin: string;
  status: string;
  body: string;
  redacted: string | null;
  stored_at: string;
}

export interface DayPoint {
  day: string;
  value: number;
}

export class ConsoleTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(db: Db) {
    this.q = preparer(db);
  }

  // ---- sessions
  insertSession(s: SessionRow): void {
    this.q(
      `INSERT INTO console_sessions (id_hash, token_name, csrf, created_at, last_seen_at, ended_at, ended_by)
       VALUES (@id_hash, @token_name, @csrf, @created_at, @last_seen_at, @ended_at, @ended_by)`,
    ).run(s);
  }
  session(idHash: string): LiveSessionRow | undefined {
    return this.q(
      `SELECT s.*, t.role AS role, t.revoked_at AS revoked_at FROM console_sessions s
       JOIN tokens t ON t.name = s.token_name WHERE s.id_hash = ?`,
    ).get(idHash) as LiveSessionRow | undefined;
  }
  touchSession(idHash: string, at: number): void {
    this.q('UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ? AND ended_at IS NULL').run(at, idHash);
  }
  endSession(idHash: string, at: number, by: string): boolean {
    return (
      this.q('UPDATE console_sessions SET ended_at = ?, ended_by = ? WHERE id_hash = ? AND ended_at IS NULL').run(
        at,
        by,
        idHash,
      ).changes === 1
    );
  }
  /** Sessions not ended, newest first (expiry is judged by the caller, which knows the clock). */
  openSessions(limit = 500): LiveSessionRow[] {
    return this.q(
      `SELECT s.*, t.role AS role, t.revoked_at AS revoked_at FROM console_sessions s
       JOIN tokens t ON t.name = s.token_name WHERE s.ended_at IS NULL ORDER BY s.created_at DESC LIMIT ?`,
    ).all(limit) as LiveSessionRow[];
  }

  // ---- marks ("since I last looked")
  mark(tokenName: string, mark: string): string | undefined {
    const row = this.q('SELECT at FROM console_marks WHERE token_name = ? AND mark = ?').get(tokenName, mark) as
      { at: string } | undefined;
    return row?.at;
  }
  setMark(tokenName: string, mark: string, at: string): void {
    this.q(
      `INSERT INTO console_marks (token_name, mark, at) VALUES (?, ?, ?)
       ON CONFLICT (token_name, mark) DO UPDATE SET at = excluded.at`,
    ).run(tokenName, mark, at);
  }

  // ---- new from partners (by row id: versions are stored in arrival order)
  lastVersionRow(): number {
    return (this.q('SELECT coalesce(max(row_id), 0) AS n FROM record_versions').get() as { n: number }).n;
  }
  receivedAfter(rowId: number, limit: number): ReceivedVersionRow[] {
    return this.q(
      `SELECT row_id, id, version, type, origin, status, body, redacted, stored_at FROM record_versions
       WHERE row_id > ? AND own = 0 ORDER BY row_id DESC LIMIT ?`,
    ).all(rowId, limit) as ReceivedVersionRow[];
  }
  receivedCountsAfter(rowId: number): { origin: string; n: number }[] {
    return this.q(
      'SELECT origin, count(*) AS n FROM record_versions WHERE row_id > ? AND own = 0 GROUP BY origin ORDER BY origin',
    ).all(rowId) as { origin: string; n: number }[];
  }

  // ---- flow over time (charts). Time grows with seq within a stream, so "how far by day D" is a
  // binary search over the primary key: a few dozen point reads, never a scan of the releases.
  private firstAtOrAfter(
    table: 'releases' | 'inbound',
    partner: string,
    stream: string,
    seq: number,
  ): { seq: number; t: string | number } | undefined {
    // releases: `iat` (seconds) is stored before the JWS, so reading it never walks the JWS's overflow pages
    return (
      table === 'releases'
        ? this.q('SELECT seq, iat AS t FROM releases WHERE stream = ? AND seq >= ? ORDER BY seq LIMIT 1').get(
            stream,
            seq,
          )
        : this.q(
            `SELECT seq, received_at AS t FROM inbound
             WHERE partner = ? AND stream = ? AND seq >= ? ORDER BY seq LIMIT 1`,
          ).get(partner, stream, seq)
    ) as { seq: number; t: string | number } | undefined;
  }
  /**
   * The highest seq of a stream made (releases) or received (inbound) before `iso` (0 if none).
   * `from`: an answer for an earlier time, when the caller walks forward in time (the search starts there).
   */
  seqBefore(
    table: 'releases' | 'inbound',
    partner: string,
    stream: string,
    head: number,
    iso: string,
    from = 0,
  ): number {
    const limit = table === 'releases' ? Math.floor(Date.parse(iso) / 1000) : iso;
    let lo = Math.min(from, head);
    let hi = head;
    if (lo >= hi) return lo;
    // the two ends first: a day without releases, or with all of them, costs two reads, not a search
    const next = this.firstAtOrAfter(table, partner, stream, lo + 1);
    if (!next || next.seq > hi || next.t >= limit) return lo;
    lo = next.seq;
    const last = this.firstAtOrAfter(table, partner, stream, hi);
    if (last && last.seq === hi && last.t < limit) return hi;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const row = this.firstAtOrAfter(table, partner, stream, mid);
      if (row && row.seq <= hi && row.t < limit) lo = row.seq;
      else hi = mid - 1;
    }
    return lo;
  }
  acknowledgedPerDay(partner: string, stream: string, sinceIso: string): DayPoint[] {
    return this.q(
      `SELECT substr(received_at, 1, 10) AS day, max(up_to) AS value FROM receipts_in
       WHERE partner = ? AND stream = ? AND received_at >= ? GROUP BY day ORDER BY day`,
    ).all(partner, stream, sinceIso) as DayPoint[];
  }
  ackBefore(partner: string, stream: string, iso: string): number {
    const row = this.q(
      'SELECT max(up_to) AS n FROM receipts_in WHERE partner = ? AND stream = ? AND received_at < ?',
    ).get(partner, stream, iso) as { n: number | null };
    return row.n ?? 0;
  }

  // ---- where an own record went
  /** Whether a release of the record lies in the unacknowledged tail of a stream (a short range). */
  unacknowledgedRelease(stream: string, afterSeq: number, recordId: string): boolean {
    return !!this.q('SELECT 1 FROM releases WHERE stream = ? AND seq > ? AND record_id = ? LIMIT 1').get(
      stream,
      afterSeq,
      recordId,
    );
  }

  /** The current versions of this node's own records, newest first (the agreement preview). */
  ownCurrent(limit: number): { id: string; type: 'denial' | 'finding'; body: string }[] {
    return this.q(
      `SELECT r.id, r.type, v.body FROM records r JOIN record_versions v ON v.row_id = r.current_row
       WHERE r.own = 1 ORDER BY r.order_key DESC LIMIT ?`,
    ).all(limit) as { id: string; type: 'denial' | 'finding'; body: string }[];
  }
}
