// Consultations and their messages.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface ConsultationRow {
  id: string;
  role: 'requester' | 'responder';
  partner: string;
  state: string;
  due_at: string;
  opened_at: string;
  request_iat: number;
  extension_days: number;
  position: string | null;
  response_iat: number | null;
  on_time: number | null;
  outcome: string | null;
  updated_at: string;
}

export interface MessageRow {
  id: string;
  consultation_id: string;
  type: string;
  author: string;
  direction: 'out' | 'in';
  iat: number;
  body: string;
  at: string;
}

export class ConsultationTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(db: Db) {
    this.q = preparer(db);
  }
  get(id: string): ConsultationRow | undefined {
    return this.q('SELECT * FROM consultations WHERE id = ?').get(id) as ConsultationRow | undefined;
  }
  insert(r: ConsultationRow): void {
    this.q(
      `INSERT INTO consultations (id, role, partner, state, due_at, opened_at, request_iat, extension_days, position, response_iat, on_time, outcome, updated_at)
       VALUES (@id, @role, @partner, @state, @due_at, @opened_at, @request_iat, @extension_days, @position, @response_iat, @on_time, @outcome, @updated_at)`,
    ).run(r);
  }
  update(id: string, fields: Partial<Omit<ConsultationRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    this.q(`UPDATE consultations SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({
      ...fields,
      id,
    });
  }
  insertMessage(m: MessageRow): void {
    this.q(
      'INSERT INTO consultation_messages (id, consultation_id, type, author, direction, iat, body, at) VALUES (@id, @consultation_id, @type, @author, @direction, @iat, @body, @at)',
    ).run(m);
  }
  messages(id: string): MessageRow[] {
    return this.q('SELECT * FROM consultation_messages WHERE consultation_id = ? ORDER BY iat, at').all(
      id,
    ) as MessageRow[];
  }
  list(partner?: string): ConsultationRow[] {
    return (
      partner
        ? this.q('SELECT * FROM consultations WHERE partner = ? ORDER BY opened_at').all(partner)
        : this.q('SELECT * FROM consultations ORDER BY opened_at').all()
    ) as ConsultationRow[];
  }
  dueBefore(iso: string): ConsultationRow[] {
    return this.q("SELECT * FROM consultations WHERE state = 'OPEN' AND due_at < ?").all(iso) as ConsultationRow[];
  }
  everReleased(partner: string, id: string, version: number): boolean {
    return !!this.q(
      "SELECT 1 FROM releases WHERE partner = ? AND record_id = ? AND record_version = ? AND kind = 'record' LIMIT 1",
    ).get(partner, id, version);
  }
  stats(partner: string): { role: string; total: number; answered: number; onTime: number; lapsed: number }[] {
    return this.q(
      `SELECT role, count(*) AS total, sum(response_iat IS NOT NULL) AS answered, sum(on_time = 1) AS onTime, sum(state = 'LAPSED_NO_RESPONSE') AS lapsed
       FROM consultations WHERE partner = ? GROUP BY role`,
    ).all(partner) as { role: string; total: number; answered: number; onTime: number; lapsed: number }[];
  }
}
