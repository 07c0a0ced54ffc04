// Queries for the reciprocity view: what flowed each way with one partner in a period.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface OutboundFlowRow {
  kind: string;
  record_id: string | null;
  record_version: number | null;
  iat: number;
  body: string | null;
  type: string | null;
}

export interface InboundFlowRow {
  kind: string;
  outcome: string;
  reason: string | null;
  received_at: string;
  body: string | null;
  type: string | null;
  version: number | null;
}

export class ReciprocityQueries {
  private readonly q: (sql: string) => Database.Statement;
  constructor(db: Db) {
    this.q = preparer(db);
  }
  outbound(partner: string, from: string, to: string): OutboundFlowRow[] {
    return this.q(
      `SELECT r.kind, r.record_id, r.record_version, r.iat, v.body, v.type FROM releases r
       LEFT JOIN record_versions v ON v.id = r.record_id AND v.version = r.record_version AND v.own = 1
       WHERE r.partner = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at`,
    ).all(partner, from, to) as OutboundFlowRow[];
  }
  inbound(partner: string, from: string, to: string): InboundFlowRow[] {
    return this.q(
      `SELECT i.kind, i.outcome, i.reason, i.received_at, v.body, v.type, v.version FROM inbound i
       LEFT JOIN record_versions v ON v.origin = i.partner AND v.stream = i.stream AND v.seq = i.seq
       WHERE i.partner = ? AND i.received_at >= ? AND i.received_at < ? ORDER BY i.received_at`,
    ).all(partner, from, to) as InboundFlowRow[];
  }
  agreementsSent(partner: string, limit: number): { version: number; body: string; created_at: string }[] {
    return this.q(
      'SELECT version, body, created_at FROM agreements WHERE partner = ? AND body IS NOT NULL ORDER BY rev DESC LIMIT ?',
    ).all(partner, limit) as { version: number; body: string; created_at: string }[];
  }
}
