// The audit table (docs/protocol.md §9). Rows are appended with their hash computed by the audit service; the
// triggers of migration 1 refuse UPDATE and DELETE.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface AuditRow {
  seq: number;
  at: string;
  action: string;
  actor: string;
  subject: string;
  details: string;
  prev: string;
  hash: string;
}

export class AuditTable {
  private readonly q: (sql: string) => Database.Statement;
  private readonly insertStmt;
  private readonly headStmt;
  private readonly pageStmt;
  private readonly countStmt;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
    this.insertStmt = db.prepare(
      'INSERT INTO audit (seq, at, action, actor, subject, details, prev, hash) VALUES (@seq, @at, @action, @actor, @subject, @details, @prev, @hash)',
    );
    this.headStmt = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.pageStmt = db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM audit');
  }
  head(): { seq: number; hash: string } {
    const row = this.headStmt.get() as { seq: number; hash: string } | undefined;
    return row ?? { seq: 0, hash: '' };
  }
  insert(row: AuditRow): void {
    this.insertStmt.run(row);
  }
  page(after: number, limit: number): AuditRow[] {
    return this.pageStmt.all(after, limit) as AuditRow[];
  }
  count(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
  range(from: number, to: number): AuditRow[] {
    return this.q('SELECT * FROM audit WHERE seq >= ? AND seq <= ? ORDER BY seq').all(from, to) as AuditRow[];
  }
  entry(seq: number): AuditRow | undefined {
    return this.q('SELECT * FROM audit WHERE seq = ?').get(seq) as AuditRow | undefined;
  }
  insertCheckpoint(c: { seq: number; hash: string; iat: number; jws: string }): void {
    this.q('INSERT INTO checkpoints (seq, hash, iat, jws) VALUES (@seq, @hash, @iat, @jws)').run(c);
  }
  latestCheckpoint(): { seq: number; hash: string; iat: number; jws: string } | undefined {
    return this.q('SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string; iat: number; jws: string } | undefined;
  }
  checkpoints(from = 0, to = Number.MAX_SAFE_INTEGER): { seq: number; hash: string; iat: number; jws: string }[] {
    return this.q('SELECT * FROM checkpoints WHERE seq >= ? AND seq <= ? ORDER BY seq').all(from, to) as {
      seq: number;
      hash: string;
      iat: number;
      jws: string;
    }[];
  }
  *iterate(): Generator<AuditRow> {
    yield* this.q('SELECT * FROM audit ORDER BY seq').iterate() as Iterable<AuditRow>;
  }
}
