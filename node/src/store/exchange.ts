// Tables of the exchange: agreements, outbound streams and releases, holdings, embargoes, receipts,
// inbound streams and evidence, statements received, alarms.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';
import type { AlertTables } from './alerts.js';
import type { PartnersTable } from './partners.js';

/** What the exchange reaches of the store: its own tables and the partner registry, and transactions. */
export interface ExchangeStore {
  readonly exchange: ExchangeTables;
  readonly partners: PartnersTable;
  readonly alerts: AlertTables;
  tx<T>(fn: () => T): T;
  inTransaction(): boolean;
}

export interface AgreementRow {
  partner: string;
  rev: number;
  version: number | null;
  body: string | null;
  created_at: string;
}

export interface OutStreamRow {
  partner: string;
  stream: string;
  head_seq: number;
  head_hash: string;
  head_iat: number;
  mat_cursor: number;
  receipt_upto: number;
  push_next: number;
  backfill_next: number | null;
  backfill_until: number | null;
  stmt_agreement_rev: number | null;
  stmt_valid_state: string | null;
  stmt_iat: number;
  blocked: string | null;
  last_error: string | null;
  last_push_at: string | null;
  last_pull_by_partner_at: string | null;
  created_at: string;
}

export interface ReleaseRow {
  stream: string;
  seq: number;
  partner: string;
  kind: string;
  iat: number;
  hash: string;
  jws: string;
  record_id: string | null;
  record_version: number | null;
  pub_seq: number | null;
  created_at: string;
}

export interface HoldingRow {
  partner: string;
  record_id: string;
  version: number;
  recalled: number;
}

export interface InStreamRow {
  partner: string;
  stream: string;
  next_seq: number;
  last_hash: string;
  last_iat: number;
  receipt_jws: string | null;
  receipt_upto: number;
  receipt_posted_upto: number;
  rollback_seen_at: number | null;
  old_streams: string;
  last_contact_at: string | null;
  last_error: string | null;
}

export interface PublicationRow {
  pub_seq: number;
  id: string;
  version: number;
  row_id: number;
  published_at: string;
  body: string;
  type: 'denial' | 'finding';
}

export interface AlarmRow {
  row_id: number;
  at: string;
  partner: string | null;
  kind: string;
  detail: string;
}

export class ExchangeTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }

  // ---- agreements
  latestAgreement(partner: string): AgreementRow | undefined {
    return this.q('SELECT * FROM agreements WHERE partner = ? ORDER BY rev DESC LIMIT 1').get(partner) as
      AgreementRow | undefined;
  }
  agreementHistory(partner: string): AgreementRow[] {
    return this.q('SELECT * FROM agreements WHERE partner = ? ORDER BY rev').all(partner) as AgreementRow[];
  }
  maxAgreementVersion(partner: string): number {
    return (
      (this.q('SELECT max(version) AS v FROM agreements WHERE partner = ?').get(partner) as { v: number | null }).v ?? 0
    );
  }
  insertAgreement(partner: string, version: number | null, body: string | null, at: string): number {
    const rev =
      ((this.q('SELECT max(rev) AS r FROM agreements WHERE partner = ?').get(partner) as { r: number | null }).r ?? 0) +
      1;
    this.q('INSERT INTO agreements (partner, rev, version, body, created_at) VALUES (?, ?, ?, ?, ?)').run(
      partner,
      rev,
      version,
      body,
      at,
    );
    return rev;
  }

  // ---- outbound streams
  outStream(partner: string): OutStreamRow | undefined {
    return this.q('SELECT * FROM out_streams WHERE partner = ?').get(partner) as OutStreamRow | undefined;
  }
  outStreams(): OutStreamRow[] {
    return this.q('SELECT * FROM out_streams ORDER BY partner').all() as OutStreamRow[];
  }
  createOutStream(partner: string, stream: string, at: string): void {
    this.q(
      `INSERT INTO out_streams (partner, stream, created_at) VALUES (?, ?, ?)
         ON CONFLICT (partner) DO UPDATE SET stream = excluded.stream, head_seq = 0, head_hash = '', mat_cursor = 0, receipt_upto = 0,
           push_next = 1, backfill_next = NULL, backfill_until = NULL, stmt_agreement_rev = NULL, stmt_valid_state = NULL, blocked = NULL, last_error = NULL, created_at = excluded.created_at`,
    ).run(partner, stream, at);
  }
  updateOutStream(partner: string, fields: Partial<Omit<OutStreamRow, 'partner'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    const set = keys.map((k) => `${k} = @${k}`).join(', ');
    this.q(`UPDATE out_streams SET ${set} WHERE partner = @partner`).run({ ...fields, partner });
  }

  // ---- releases
  insertRelease(r: ReleaseRow): void {
    this.q(
      `INSERT INTO releases (stream, seq, partner, kind, iat, hash, jws, record_id, record_version, pub_seq, created_at)
         VALUES (@stream, @seq, @partner, @kind, @iat, @hash, @jws, @record_id, @record_version, @pub_seq, @created_at)`,
    ).run(r);
  }
  release(stream: string, seq: number): ReleaseRow | undefined {
    return this.q('SELECT * FROM releases WHERE stream = ? AND seq = ?').get(stream, seq) as ReleaseRow | undefined;
  }
  releasesAfter(stream: string, after: number, limit: number): ReleaseRow[] {
    return this.q('SELECT * FROM releases WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?').all(
      stream,
      after,
      limit,
    ) as ReleaseRow[];
  }
  countReleases(partner: string, stream: string): Record<string, number> {
    const rows = this.q('SELECT kind, count(*) AS n FROM releases WHERE partner = ? AND stream = ? GROUP BY kind').all(
      partner,
      stream,
    ) as { kind: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  // ---- publications (the outbox log)
  publicationsAfter(after: number, limit: number): PublicationRow[] {
    return this.q(
      `SELECT p.pub_seq, p.id, p.version, p.row_id, p.published_at, v.body, v.type FROM publications p JOIN record_versions v ON v.row_id = p.row_id
         WHERE p.pub_seq > ? ORDER BY p.pub_seq LIMIT ?`,
    ).all(after, limit) as PublicationRow[];
  }
  lastPubSeq(): number {
    return (this.q('SELECT max(pub_seq) AS s FROM publications').get() as { s: number | null }).s ?? 0;
  }
  firstPublication(id: string): { pub_seq: number; published_at: string } | undefined {
    return this.q('SELECT pub_seq, published_at FROM publications WHERE id = ? AND version = 1').get(id) as
      { pub_seq: number; published_at: string } | undefined;
  }
  /**
   * Backfill candidates for a partner: own records whose current version was published in
   * (after, until], in publication order of that version, leaving out those the partner already holds
   * at that version (not recalled): a backfill over a large, mostly held store costs one index walk.
   */
  backfillCandidates(partner: string, after: number, until: number, limit: number): PublicationRow[] {
    return this.q(
      `SELECT p.pub_seq, p.id, p.version, p.row_id, p.published_at, v.body, v.type FROM publications p
         JOIN records r ON r.id = p.id AND r.version = p.version AND r.own = 1
         LEFT JOIN holdings h ON h.partner = ? AND h.record_id = p.id
         JOIN record_versions v ON v.row_id = p.row_id
         WHERE p.pub_seq > ? AND p.pub_seq <= ? AND (h.record_id IS NULL OR h.recalled = 1 OR h.version < p.version)
         ORDER BY p.pub_seq LIMIT ?`,
    ).all(partner, after, until, limit) as PublicationRow[];
  }
  currentPublication(id: string): PublicationRow | undefined {
    return this.q(
      `SELECT p.pub_seq, p.id, p.version, p.row_id, p.published_at, v.body, v.type FROM records r
         JOIN publications p ON p.id = r.id AND p.version = r.version JOIN record_versions v ON v.row_id = p.row_id WHERE r.id = ? AND r.own = 1`,
    ).get(id) as PublicationRow | undefined;
  }

  // ---- holdings and embargoes
  holding(partner: string, recordId: string): HoldingRow | undefined {
    return this.q('SELECT * FROM holdings WHERE partner = ? AND record_id = ?').get(partner, recordId) as
      HoldingRow | undefined;
  }
  // Every holdings write keeps holding_counts (non-recalled holdings per partner) in the same transaction.
  setHolding(partner: string, recordId: string, version: number, recalled: boolean): void {
    this.db.transaction(() => {
      const before = this.holding(partner, recordId);
      this.q(
        'INSERT INTO holdings (partner, record_id, version, recalled) VALUES (?, ?, ?, ?) ON CONFLICT (partner, record_id) DO UPDATE SET version = excluded.version, recalled = excluded.recalled',
      ).run(partner, recordId, version, recalled ? 1 : 0);
      this.countHeld(partner, (recalled ? 0 : 1) - (before && !before.recalled ? 1 : 0));
    })();
  }
  dropHolding(partner: string, recordId: string): void {
    this.db.transaction(() => {
      const before = this.holding(partner, recordId);
      this.q('DELETE FROM holdings WHERE partner = ? AND record_id = ?').run(partner, recordId);
      if (before && !before.recalled) this.countHeld(partner, -1);
    })();
  }
  clearHoldings(partner: string): void {
    this.db.transaction(() => {
      this.q('DELETE FROM holdings WHERE partner = ?').run(partner);
      this.q('DELETE FROM holding_counts WHERE partner = ?').run(partner);
      this.q('DELETE FROM embargoes WHERE partner = ?').run(partner);
    })();
  }
  private countHeld(partner: string, delta: number): void {
    if (delta === 0) return;
    this.q(
      'INSERT INTO holding_counts (partner, held) VALUES (?, ?) ON CONFLICT (partner) DO UPDATE SET held = held + excluded.held',
    ).run(partner, delta);
  }
  /** Records the partner holds, not recalled: the counter kept with the holdings (no count(*)). */
  holdingCount(partner: string): number {
    return (
      (this.q('SELECT held FROM holding_counts WHERE partner = ?').get(partner) as { held: number } | undefined)
        ?.held ?? 0
    );
  }
  /** The same number counted from the holdings themselves (the tests compare the two). */
  holdingCountScanned(partner: string): number {
    return (
      this.q('SELECT count(*) AS n FROM holdings WHERE partner = ? AND recalled = 0').get(partner) as { n: number }
    ).n;
  }
  embargo(partner: string, recordId: string): { not_before: number } | undefined {
    return this.q('SELECT not_before FROM embargoes WHERE partner = ? AND record_id = ?').get(partner, recordId) as
      { not_before: number } | undefined;
  }
  addEmbargo(partner: string, recordId: string, notBefore: number): void {
    this.q('INSERT OR IGNORE INTO embargoes (partner, record_id, not_before) VALUES (?, ?, ?)').run(
      partner,
      recordId,
      notBefore,
    );
  }
  dueEmbargoes(partner: string, nowSec: number): { record_id: string; not_before: number }[] {
    return this.q(
      'SELECT record_id, not_before FROM embargoes WHERE partner = ? AND not_before <= ? ORDER BY not_before, record_id',
    ).all(partner, nowSec) as { record_id: string; not_before: number }[];
  }
  dropEmbargo(partner: string, recordId: string): void {
    this.q('DELETE FROM embargoes WHERE partner = ? AND record_id = ?').run(partner, recordId);
  }
  embargoCount(partner: string): number {
    return (this.q('SELECT count(*) AS n FROM embargoes WHERE partner = ?').get(partner) as { n: number }).n;
  }

  // ---- receipts received
  insertReceipt(r: {
    partner: string;
    stream: string;
    up_to: number;
    from_seq: number;
    head: string;
    iat: number;
    rejected: string;
    jws: string;
    received_at: string;
  }): void {
    this.q(
      'INSERT INTO receipts_in (partner, stream, up_to, from_seq, head, iat, rejected, jws, received_at) VALUES (@partner, @stream, @up_to, @from_seq, @head, @iat, @rejected, @jws, @received_at)',
    ).run(r);
  }
  lastReceipt(partner: string): { up_to: number; received_at: string; iat: number; stream: string } | undefined {
    return this.q(
      'SELECT up_to, received_at, iat, stream FROM receipts_in WHERE partner = ? ORDER BY row_id DESC LIMIT 1',
    ).get(partner) as { up_to: number; received_at: string; iat: number; stream: string } | undefined;
  }
  rejectedBy(partner: string, stream: string): { seq: number; reason: string }[] {
    // only receipts that name quarantined releases (a partial index): most receipts name none
    const rows = this.q("SELECT rejected FROM receipts_in WHERE partner = ? AND stream = ? AND rejected <> '[]'").all(
      partner,
      stream,
    ) as {
      rejected: string;
    }[];
    const out = new Map<number, string>();
    for (const r of rows)
      for (const x of JSON.parse(r.rejected) as { seq: number; reason: string }[]) out.set(x.seq, x.reason);
    return [...out].map(([seq, reason]) => ({ seq, reason }));
  }

  // ---- inbound
  inStream(partner: string): InStreamRow | undefined {
    return this.q('SELECT * FROM in_streams WHERE partner = ?').get(partner) as InStreamRow | undefined;
  }
  ensureInStream(partner: string): InStreamRow {
    this.q('INSERT OR IGNORE INTO in_streams (partner) VALUES (?)').run(partner);
    return this.inStream(partner)!;
  }
  updateInStream(partner: string, fields: Partial<Omit<InStreamRow, 'partner'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.q(`UPDATE in_streams SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE partner = @partner`).run({
      ...fields,
      partner,
    });
  }
  insertInbound(r: {
    partner: string;
    stream: string;
    seq: number;
    kind: string;
    hash: string;
    jws: string;
    outcome: string;
    reason: string | null;
    received_at: string;
  }): void {
    this.q(
      'INSERT INTO inbound (partner, stream, seq, kind, hash, jws, outcome, reason, received_at) VALUES (@partner, @stream, @seq, @kind, @hash, @jws, @outcome, @reason, @received_at)',
    ).run(r);
  }
  inboundHash(partner: string, stream: string, seq: number): string | undefined {
    return (
      this.q('SELECT hash FROM inbound WHERE partner = ? AND stream = ? AND seq = ?').get(partner, stream, seq) as
        { hash: string } | undefined
    )?.hash;
  }
  inboundRejected(partner: string, stream: string, from: number, upTo: number): { seq: number; reason: string }[] {
    return this.q(
      "SELECT seq, reason FROM inbound WHERE partner = ? AND stream = ? AND seq > ? AND seq <= ? AND outcome = 'rejected' ORDER BY seq",
    ).all(partner, stream, from, upTo) as { seq: number; reason: string }[];
  }
  inboundCounts(partner: string): Record<string, number> {
    const rows = this.q('SELECT outcome, count(*) AS n FROM inbound WHERE partner = ? GROUP BY outcome').all(
      partner,
    ) as { outcome: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  }
  insertStatementIn(r: {
    partner: string;
    stream: string;
    seq: number;
    iat: number;
    agreement: string | null;
    checkpoint: string | null;
  }): void {
    this.q(
      'INSERT OR REPLACE INTO statements_in (partner, stream, seq, iat, agreement, checkpoint) VALUES (@partner, @stream, @seq, @iat, @agreement, @checkpoint)',
    ).run(r);
  }
  latestStatementIn(
    partner: string,
  ): { stream: string; seq: number; iat: number; agreement: string | null; checkpoint: string | null } | undefined {
    return this.q('SELECT * FROM statements_in WHERE partner = ? ORDER BY iat DESC, seq DESC LIMIT 1').get(partner) as
      { stream: string; seq: number; iat: number; agreement: string | null; checkpoint: string | null } | undefined;
  }
  statementsIn(
    partner: string,
    limit: number,
  ): { stream: string; seq: number; iat: number; agreement: string | null }[] {
    return this.q(
      'SELECT stream, seq, iat, agreement FROM statements_in WHERE partner = ? ORDER BY iat DESC, seq DESC LIMIT ?',
    ).all(partner, limit) as {
      stream: string;
      seq: number;
      iat: number;
      agreement: string | null;
    }[];
  }

  // ---- key rotation
  recordAnnouncement(kid: string, partner: string, stream: string, seq: number, kind: 'signing' | 'tls'): void {
    this.q(
      'INSERT INTO key_announcements (kid, partner, stream, seq, kind) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kid, partner) DO UPDATE SET stream = excluded.stream, seq = excluded.seq',
    ).run(kid, partner, stream, seq, kind);
  }
  announcements(kid: string): { partner: string; stream: string; seq: number }[] {
    return this.q('SELECT partner, stream, seq FROM key_announcements WHERE kid = ?').all(kid) as {
      partner: string;
      stream: string;
      seq: number;
    }[];
  }

  // ---- alarms
  insertAlarm(partner: string | null, kind: string, detail: string, at: string): void {
    this.q('INSERT INTO alarms (at, partner, kind, detail) VALUES (?, ?, ?, ?)').run(at, partner, kind, detail);
  }
  alarms(partner?: string, limit = 100): AlarmRow[] {
    return (
      partner
        ? this.q('SELECT * FROM alarms WHERE partner = ? ORDER BY row_id DESC LIMIT ?').all(partner, limit)
        : this.q('SELECT * FROM alarms ORDER BY row_id DESC LIMIT ?').all(limit)
    ) as AlarmRow[];
  }

  // ---- re-anchor evidence: the 409 that showed a partner ahead of this node (kept in meta)
  reanchorEvidence(partner: string): string | undefined {
    return (this.q('SELECT value FROM meta WHERE key = ?').get(`reanchor:${partner}`) as { value: string } | undefined)
      ?.value;
  }
  setReanchorEvidence(partner: string, evidence: string): void {
    this.q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      `reanchor:${partner}`,
      evidence,
    );
  }
}
