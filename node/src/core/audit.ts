// The hash-chained audit log (docs/protocol.md §9). append() must run inside the action's transaction, so a
// failed audit write fails the action.
import { canonicalString } from '../crypto/canonical.js';
import { sha256 } from '../crypto/digest.js';
import { signJson, verifyJws, type Signer } from '../crypto/jws.js';
import type { PublicJwk } from '../crypto/keys.js';
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
  return sha256(
    canonicalString({
      seq: e.seq,
      at: e.at,
      action: e.action,
      actor: e.actor,
      subject: e.subject,
      details: e.details,
      prev: e.prev,
    }),
  );
}

export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry; call inside the action's transaction. */
  append(input: AuditEntryInput): AuditRow {
    if (!this.store.db.inTransaction) throw new Error('audit.append must run inside the action transaction');
    const head = this.store.audit.head();
    const at = new Date(this.clock.now()).toISOString();
    const details = input.details ?? {};
    const base = {
      seq: head.seq + 1,
      at,
      action: input.action,
      actor: input.actor,
      subject: input.subject ?? '',
      prev: head.hash,
    };
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

  page(after: number, limit: number): AuditRow[] {
    return this.store.audit.page(after, limit);
  }

  /** Start-up check: the last `window` entries chain to the head (a full check is `verify()`). */
  verifyTail(window = 1000): AuditVerification {
    const head = this.store.audit.head();
    if (head.seq === 0) return { ok: true, entries: 0 };
    const from = Math.max(1, head.seq - window + 1);
    const rows = this.store.audit.range(from, head.seq);
    const prev = from > 1 ? (this.store.audit.entry(from - 1)?.hash ?? null) : '';
    if (prev === null)
      return { ok: false, entries: rows.length, firstBroken: from - 1, reason: `entry ${from - 1} is missing` };
    const v = verifyAuditBundle({
      entente: 1,
      kind: 'audit-bundle',
      nodeId: '',
      exportedAt: '',
      from,
      to: head.seq,
      prev,
      entries: rows,
      checkpoints: [],
      keys: { keys: [] },
    });
    return {
      ok: v.ok,
      entries: v.entries,
      ...(v.firstBroken !== undefined ? { firstBroken: v.firstBroken } : {}),
      ...(v.reason ? { reason: v.reason } : {}),
    };
  }

  /** Signs a checkpoint of the current head when the log grew since the last one (docs/protocol.md §9). */
  checkpoint(signer: Signer): { seq: number; hash: string } | null {
    return this.store.tx(() => {
      const head = this.store.audit.head();
      const last = this.store.audit.latestCheckpoint();
      if (head.seq === 0 || (last && last.seq >= head.seq)) return null;
      const iat = Math.floor(this.clock.now() / 1000);
      const { jws } = signJson(signer, { seq: head.seq, hash: head.hash, iat }, 'entente-checkpoint+jws');
      this.store.audit.insertCheckpoint({ seq: head.seq, hash: head.hash, iat, jws });
      return { seq: head.seq, hash: head.hash };
    });
  }

  latestCheckpoint(): { seq: number; hash: string; iat: number } | null {
    const c = this.store.audit.latestCheckpoint();
    return c ? { seq: c.seq, hash: c.hash, iat: c.iat } : null;
  }

  /** A self-contained bundle an external reviewer verifies offline (`entente audit verify --bundle`). */
  /** `exercise`: the bundle says it comes from an exercise node (docs/protocol.md §14.5), outside the chain. */
  export(nodeId: string, keys: PublicJwk[], from: number, to: number, exercise = false): AuditBundle {
    const head = this.store.audit.head();
    const first = Math.max(1, from);
    const last = Math.min(to, head.seq);
    const entries = last >= first ? this.store.audit.range(first, last) : [];
    const prev = first > 1 ? (this.store.audit.entry(first - 1)?.hash ?? '') : '';
    return {
      entente: 1,
      kind: 'audit-bundle',
      nodeId,
      ...(exercise ? { mode: 'exercise' as const } : {}),
      exportedAt: new Date(this.clock.now()).toISOString(),
      from: first,
      to: last,
      prev,
      entries,
      checkpoints: this.store.audit.checkpoints(first, last).map((c) => c.jws),
      keys: { keys },
    };
  }
}

export interface AuditBundle {
  entente: 1;
  kind: 'audit-bundle';
  nodeId: string;
  /** Present only in an exercise node's export; not part of any hash (the entries are what verifies). */
  mode?: 'exercise';
  exportedAt: string;
  from: number;
  to: number;
  /** Hash of the entry before `from` ('' when from is 1). */
  prev: string;
  entries: AuditRow[];
  checkpoints: string[];
  keys: { keys: PublicJwk[] };
}

export interface BundleVerification extends AuditVerification {
  checkpoints: number;
}

/** Verifies an exported bundle offline: the chain from `prev`, and every signed checkpoint in range. */
export function verifyAuditBundle(b: AuditBundle, held: { seq: number; hash: string }[] = []): BundleVerification {
  const rows = b.entries;
  const chain = checkChain(rows, b.from, b.prev);
  if (!chain.ok)
    return { ok: false, entries: rows.length, firstBroken: chain.firstBroken, reason: chain.reason, checkpoints: 0 };
  const bySeq = new Map(rows.map((r) => [r.seq, r.hash]));
  let checked = 0;
  for (const jws of b.checkpoints) {
    const v = verifyJws(jws, {
      typ: 'entente-checkpoint+jws',
      keys: b.keys.keys,
      iatOf: (p) => (p as { iat?: number }).iat,
    });
    if (!v.ok)
      return {
        ok: false,
        entries: rows.length,
        reason: `a checkpoint does not verify: ${v.reason}`,
        checkpoints: checked,
      };
    const p = v.payload as { seq: number; hash: string };
    if (bySeq.has(p.seq) && bySeq.get(p.seq) !== p.hash)
      return {
        ok: false,
        entries: rows.length,
        firstBroken: p.seq,
        reason: `entry ${p.seq} differs from the node's own signed checkpoint: the log was rewritten`,
        checkpoints: checked,
      };
    checked++;
  }
  for (const h of held) {
    if (bySeq.has(h.seq) && bySeq.get(h.seq) !== h.hash) {
      return {
        ok: false,
        entries: rows.length,
        firstBroken: h.seq,
        reason: `entry ${h.seq} differs from the checkpoint hash a partner holds: the log was rewritten`,
        checkpoints: checked,
      };
    }
  }
  return { ok: true, entries: rows.length, checkpoints: checked };
}

/** Recomputes the chain and names the first broken entry. */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditVerification {
  return checkChain(rows, 1, '');
}

/** Walks a run of entries from seq `from` whose predecessor hash is `prev`; entries counts those read. */
function checkChain(rows: Iterable<AuditRow>, from: number, prev: string): AuditVerification {
  let expectedSeq = from;
  let entries = 0;
  for (const row of rows) {
    entries++;
    const broken = (reason: string): AuditVerification => ({ ok: false, entries, firstBroken: expectedSeq, reason });
    if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing or out of order (found ${row.seq})`);
    if (row.prev !== prev) return broken(`entry ${row.seq}: prev does not match the hash of entry ${row.seq - 1}`);
    let details: unknown;
    try {
      details = JSON.parse(row.details);
    } catch {
      return broken(`entry ${row.seq}: details are not JSON`);
    }
    if (entryHash({ ...row, details }) !== row.hash)
      return broken(`entry ${row.seq}: hash does not match its contents`);
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries };
}
