// The hash-chained audit log (brief §9). append() must run inside the action's transaction, so a
// failed audit write fails the action.
import { canonicalString } from '../crypto/canonical.js';
import { sha256 } from '../crypto/digest.js';
import type { AuditRow, Store } from '../store/index.js';
import type { Clock } from './clock.js';

export interface AuditEntryInput {
  action: string;
  actor: string;
  subject?: string;
  details?: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  firstBroken?: number;
  reason?: string;
}

export function entryHash(e: Omit<AuditRow, 'hash' | 'details'> & { details: unknown }): string {
  return sha256(canonicalString({ seq: e.seq, at: e.at, action: e.action, actor: e.actor, subject: e.subject, details: e.details, prev: e.prev }));
}

export class AuditService {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  /** Appends one entry; call inside the action's transaction. */
  append(input: AuditEntryInput): AuditRow {
    if (!this.store.db.inTransaction) throw new Error('audit.append must run inside the action transaction');
    const head = this.store.audit.head();
    const at = new Date(this.clock.now()).toISOString();
    const details = input.details ?? {};
    const base = { seq: head.seq + 1, at, action: input.action, actor: input.actor, subject: input.subject ?? '', prev: head.hash };
    const row: AuditRow = { ...base, details: canonicalString(details), hash: entryHash({ ...base, details }) };
    this.store.audit.insert(row);
    return row;
  }

  /** Appends in its own transaction (for actions that have none, e.g. a refused authentication). */
  record(input: AuditEntryInput): AuditRow {
    return this.store.tx(() => this.append(input));
  }

  verify(): AuditVerification {
    return verifyAuditRows(this.store.audit.iterate());
  }
}

/** Recomputes the chain and names the first broken entry. */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditVerification {
  let expectedSeq = 1;
  let prev = '';
  let entries = 0;
  for (const row of rows) {
    entries++;
    const broken = (reason: string): AuditVerification => ({ ok: false, entries, firstBroken: expectedSeq, reason });
    if (row.seq !== expectedSeq) return { ...broken(`entry ${expectedSeq} is missing or out of order (found ${row.seq})`) };
    if (row.prev !== prev) return broken(`entry ${row.seq}: prev does not match the hash of entry ${row.seq - 1}`);
    let details: unknown;
    try {
      details = JSON.parse(row.details);
    } catch {
      return broken(`entry ${row.seq}: details are not JSON`);
    }
    if (entryHash({ ...row, details }) !== row.hash) return broken(`entry ${row.seq}: hash does not match its contents`);
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries };
}
