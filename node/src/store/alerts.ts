// Tables of entente/1.1 (docs/protocol.md §14): partners' learned protocol versions, alerts received
// and their acknowledgements, acknowledgements received by the originator, webhook deliveries.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface PartnerProtocolRow {
  partner: string;
  versions: string;
  learned_at: string;
}

export interface AlertInRow {
  partner: string;
  id: string;
  version: number;
  level: 'PRIORITY' | 'FLASH';
  action: string;
  expires_at: string | null;
  received_at: string;
  received_ack: 'pending' | 'sent' | 'not-sent';
  received_ack_at: string | null;
  final_state: 'ACTIONED' | 'NO_ACTION' | null;
  final_at: string | null;
  final_by: string | null;
  final_note: string | null;
  final_desk: string | null;
  final_sent: number;
  ended_at: string | null;
}

export interface AckInRow {
  partner: string;
  id: string;
  version: number;
  slot: 'received' | 'final';
  state: string;
  note: string | null;
  desk: string | null;
  iat: number;
  stream: string;
  seq: number;
  at: string;
}

export interface WebhookDeliveryRow {
  row_id: number;
  url: string;
  body: string;
  attempts: number;
  next_at: number;
  done_at: string | null;
  last_status: string | null;
}

/** A version released to a partner, with the receipt that covers it (originator's alert table). */
export interface AlertReleaseRow {
  partner: string;
  stream: string;
  seq: number;
  created_at: string;
  receipt_at: string | null;
}

export class AlertTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(db: Db) {
    this.q = preparer(db);
  }

  // ---- learned protocol versions
  protocol(partner: string): PartnerProtocolRow | undefined {
    return this.q('SELECT * FROM partner_protocol WHERE partner = ?').get(partner) as PartnerProtocolRow | undefined;
  }
  setProtocol(partner: string, versions: string[], at: string): void {
    this.q(
      `INSERT INTO partner_protocol (partner, versions, learned_at) VALUES (?, ?, ?)
       ON CONFLICT (partner) DO UPDATE SET versions = excluded.versions, learned_at = excluded.learned_at`,
    ).run(partner, JSON.stringify(versions), at);
  }

  // ---- receiver side
  insertAlertIn(
    row: Omit<
      AlertInRow,
      | 'received_ack_at'
      | 'final_state'
      | 'final_at'
      | 'final_by'
      | 'final_note'
      | 'final_desk'
      | 'final_sent'
      | 'ended_at'
      | 'received_ack'
    >,
  ): boolean {
    const r = this.q(
      `INSERT INTO alerts_in (partner, id, version, level, action, expires_at, received_at)
       VALUES (@partner, @id, @version, @level, @action, @expires_at, @received_at) ON CONFLICT DO NOTHING`,
    ).run(row);
    return r.changes > 0;
  }
  /** A later version of the record arrived: earlier alert versions stop escalating. */
  endAlertsBefore(partner: string, id: string, version: number, at: string): void {
    this.q('UPDATE alerts_in SET ended_at = ? WHERE partner = ? AND id = ? AND version < ? AND ended_at IS NULL').run(
      at,
      partner,
      id,
      version,
    );
  }
  alertIn(id: string, version: number): AlertInRow | undefined {
    return this.q('SELECT * FROM alerts_in WHERE id = ? AND version = ?').get(id, version) as AlertInRow | undefined;
  }
  latestAlertIn(id: string): AlertInRow | undefined {
    return this.q('SELECT * FROM alerts_in WHERE id = ? ORDER BY version DESC LIMIT 1').get(id) as
      AlertInRow | undefined;
  }
  alertsIn(limit: number): AlertInRow[] {
    return this.q('SELECT * FROM alerts_in ORDER BY received_at DESC, id LIMIT ?').all(limit) as AlertInRow[];
  }
  /** Alerts neither acknowledged, ended nor expired at `nowIso`. */
  unacknowledged(nowIso: string): AlertInRow[] {
    return this.q(
      `SELECT * FROM alerts_in WHERE final_state IS NULL AND ended_at IS NULL
       AND (expires_at IS NULL OR expires_at > ?) ORDER BY received_at DESC, id`,
    ).all(nowIso) as AlertInRow[];
  }
  pendingReceived(partner?: string): AlertInRow[] {
    return (
      partner
        ? this.q("SELECT * FROM alerts_in WHERE received_ack = 'pending' AND partner = ?").all(partner)
        : this.q("SELECT * FROM alerts_in WHERE received_ack = 'pending'").all()
    ) as AlertInRow[];
  }
  setReceivedAck(partner: string, id: string, version: number, state: 'sent' | 'not-sent', at: string): void {
    this.q(
      'UPDATE alerts_in SET received_ack = ?, received_ack_at = ? WHERE partner = ? AND id = ? AND version = ?',
    ).run(state, at, partner, id, version);
  }
  setFinal(
    partner: string,
    id: string,
    version: number,
    f: { state: string; at: string; by: string; note: string | null; desk: string | null; sent: boolean },
  ): void {
    this.q(
      `UPDATE alerts_in SET final_state = ?, final_at = ?, final_by = ?, final_note = ?, final_desk = ?, final_sent = ?
       WHERE partner = ? AND id = ? AND version = ? AND final_state IS NULL`,
    ).run(f.state, f.at, f.by, f.note, f.desk, f.sent ? 1 : 0, partner, id, version);
  }

  // ---- originator side
  /** Own versions published with an alert, newest first (a scan of the publication log). */
  ownAlerts(limit: number): { id: string; version: number; body: string; published_at: string }[] {
    return this.q(
      `SELECT p.id, p.version, v.body, p.published_at FROM publications p JOIN record_versions v ON v.row_id = p.row_id
         WHERE json_extract(v.body, '$.alert.level') IS NOT NULL ORDER BY p.pub_seq DESC LIMIT ?`,
    ).all(limit) as { id: string; version: number; body: string; published_at: string }[];
  }
  /** Whether a version of an own record was released to the partner as a record. */
  releasedTo(partner: string, id: string, version: number): boolean {
    return !!this.q(
      "SELECT 1 FROM releases WHERE partner = ? AND record_id = ? AND record_version = ? AND kind = 'record' LIMIT 1",
    ).get(partner, id, version);
  }
  insertAckIn(row: AckInRow): boolean {
    const r = this.q(
      `INSERT INTO acks_in (partner, id, version, slot, state, note, desk, iat, stream, seq, at)
       VALUES (@partner, @id, @version, @slot, @state, @note, @desk, @iat, @stream, @seq, @at) ON CONFLICT DO NOTHING`,
    ).run(row);
    return r.changes > 0;
  }
  acksIn(id: string, version: number): AckInRow[] {
    return this.q('SELECT * FROM acks_in WHERE id = ? AND version = ?').all(id, version) as AckInRow[];
  }
  /** Releases of a version to each partner, with the time of the first receipt that covers it. */
  releasesOf(id: string, version: number): AlertReleaseRow[] {
    return this.q(
      `SELECT r.partner, r.stream, r.seq, r.created_at,
         (SELECT min(c.received_at) FROM receipts_in c WHERE c.partner = r.partner AND c.stream = r.stream AND c.up_to >= r.seq) AS receipt_at
       FROM releases r WHERE r.record_id = ? AND r.record_version = ? AND r.kind = 'record' ORDER BY r.partner, r.seq`,
    ).all(id, version) as AlertReleaseRow[];
  }

  // ---- webhook deliveries
  insertDelivery(url: string, body: string, nextAt: number): void {
    this.q('INSERT INTO webhook_deliveries (url, body, next_at) VALUES (?, ?, ?)').run(url, body, nextAt);
  }
  dueDeliveries(nowMs: number, limit: number): WebhookDeliveryRow[] {
    return this.q(
      'SELECT * FROM webhook_deliveries WHERE done_at IS NULL AND next_at <= ? ORDER BY next_at LIMIT ?',
    ).all(nowMs, limit) as WebhookDeliveryRow[];
  }
  nextDeliveryAt(): number | null {
    const r = this.q('SELECT min(next_at) AS n FROM webhook_deliveries WHERE done_at IS NULL').get() as {
      n: number | null;
    };
    return r.n;
  }
  deliveryDone(rowId: number, status: string, at: string): void {
    this.q('UPDATE webhook_deliveries SET done_at = ?, last_status = ?, attempts = attempts + 1 WHERE row_id = ?').run(
      at,
      status,
      rowId,
    );
  }
  deliveryFailed(rowId: number, status: string, nextAt: number): void {
    this.q('UPDATE webhook_deliveries SET last_status = ?, attempts = attempts + 1, next_at = ? WHERE row_id = ?').run(
      status,
      nextAt,
      rowId,
    );
  }
  deliveries(limit: number): WebhookDeliveryRow[] {
    return this.q('SELECT * FROM webhook_deliveries ORDER BY row_id DESC LIMIT ?').all(limit) as WebhookDeliveryRow[];
  }
}
