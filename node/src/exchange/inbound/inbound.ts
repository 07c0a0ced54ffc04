// Inbound streams (docs/protocol.md §6.7–§6.8): the receiver's checks in order, then one transaction
// per batch (cursor re-checked inside) that applies records, tombstones, statements and
// consultations, keeps every release JWS verbatim as evidence, and signs a receipt. Inbox and puller
// both call it; it is synchronous, so calls for one stream are serialised. This module is the only
// writer of inbound stream state.
import { crashPoint } from '../../config/crash.js';
import type { AuditService } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import type { NodeIdentity } from '../../core/identity.js';
import { signJson } from '../../crypto/jws.js';
import type { PublicJwk } from '../../crypto/keys.js';
import type { Presigned, SignaturePool } from '../../crypto/signature-pool.js';
import { AppError } from '../../domain/errors.js';
import type { ExchangeStore, InStreamRow } from '../../store/exchange.js';
import type { AlarmSink } from '../alarms.js';
import type { ReceiptPayload } from '../wire.js';
import { Applier, receiptReason, type ApplyDeps } from './apply.js';
import { checkBatch, type Verified } from './checks.js';

export { MAX_SKEW_SECONDS } from './checks.js';
export { receiptReason } from './apply.js';
export type { ConsultationSink, ReceivedRecords, ReceivedVersion } from './apply.js';

export interface IngestResult {
  receipt: string;
  accepted: number;
  rejected: number;
  duplicate: number;
}

/** Counts for metrics. */
export interface IngestObserver {
  counts(peer: string, outcome: 'accepted' | 'duplicate' | 'quarantined' | 'refused', n: number): void;
  skew(peer: string, seconds: number): void;
}

export interface InboundDeps extends Omit<ApplyDeps, 'store' | 'audit' | 'clock' | 'alarms' | 'partners'> {
  store: ExchangeStore;
  audit: AuditService;
  clock: Clock;
  alarms: AlarmSink;
  identity: NodeIdentity;
  partners: ApplyDeps['partners'] & { trust(): ReadonlyMap<string, { keys: PublicJwk[] }> };
  /** Checks a batch's signatures on two threads before the checks run (none: on this thread, in order). */
  signatures?: SignaturePool;
  observer?: IngestObserver;
  maxReleaseBytes: number;
  /** After a batch from the partner committed (acknowledgements of the alerts in it may go). */
  committed?: (peer: string) => void;
}

export class Inbound {
  private readonly counters = { accepted: 0, rejected: 0, duplicate: 0, refused: 0 };
  private readonly applier: Applier;

  constructor(private readonly d: InboundDeps) {
    this.applier = new Applier(d);
  }

  stats(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  private nowSec(): number {
    return Math.floor(this.d.clock.now() / 1000);
  }

  /** Where the partner's stream stands here (created empty on first contact). */
  position(peer: string): InStreamRow {
    return this.d.store.exchange.ensureInStream(peer);
  }

  /** When the partner last delivered (push or pull). */
  lastContact(peer: string): string | null {
    return this.d.store.exchange.inStream(peer)?.last_contact_at ?? null;
  }

  /**
   * How the partner delivers to this node, from its latest statement: undefined before any statement,
   * null when its agreement was withdrawn.
   */
  theirDelivery(peer: string): string | null | undefined {
    const st = this.d.store.exchange.latestStatementIn(peer);
    if (!st) return undefined;
    if (st.agreement === null) return null;
    return (JSON.parse(st.agreement) as { delivery?: string }).delivery ?? 'both';
  }

  /** The receiver's current signed receipt for a partner (the initial one before anything is accepted). */
  currentReceipt(peer: string): string {
    const st = this.d.store.exchange.inStream(peer);
    if (st?.receipt_jws) return st.receipt_jws;
    const payload: ReceiptPayload = {
      iss: this.d.nodeId,
      aud: peer,
      iat: this.nowSec(),
      stream: '',
      from: 0,
      upTo: 0,
      head: '',
      rejected: [],
    };
    return signJson(this.d.identity.signer, payload, 'entente-receipt+jws').jws;
  }

  private conflict(peer: string, st: InStreamRow, why: string): AppError {
    const extra = { expected: { stream: st.stream, seq: st.next_seq }, receipt: this.currentReceipt(peer) };
    return new AppError('stream-conflict', why, [], extra);
  }

  private noteRollback(peer: string, seq: number): void {
    this.d.store.tx(() => {
      this.d.store.exchange.updateInStream(peer, { rollback_seen_at: this.nowSec() });
    });
    const detail = `the partner sent seq ${seq}, below what it already delivered: it may have been restored from a backup`;
    this.d.alarms.alarm(peer, 'sender-rollback', detail);
  }

  /**
   * As ingest(), with the batch's signatures checked first on two threads (SignaturePool) while no
   * state is read: ingest() then checks everything in order, using those results.
   */
  async ingestBatch(peer: string, items: readonly string[], via: 'push' | 'pull'): Promise<IngestResult> {
    const keys = this.d.partners.trust().get(peer)?.keys ?? [];
    const pool = this.d.signatures;
    const presigned = pool && keys.length > 0 ? await pool.check(items, keys) : undefined;
    return this.ingest(peer, items, via, presigned);
  }

  /** Runs checks 1–15 over a batch and commits it; returns the new signed receipt. */
  ingest(
    peer: string,
    items: readonly string[],
    via: 'push' | 'pull',
    presigned?: Map<number, Presigned>,
  ): IngestResult {
    const x = this.d.store.exchange;
    const st = x.ensureInStream(peer);
    if (items.length === 0) return { receipt: this.currentReceipt(peer), accepted: 0, rejected: 0, duplicate: 0 };
    let verified: Verified[];
    let newStream: string | null;
    try {
      ({ verified, newStream } = checkBatch(items, st, {
        peer,
        nodeId: this.d.nodeId,
        keys: this.d.partners.trust().get(peer)?.keys ?? [],
        maxReleaseBytes: this.d.maxReleaseBytes,
        nowSec: this.nowSec(),
        ...(presigned ? { presigned } : {}),
        heldHash: (stream, seq) => x.inboundHash(peer, stream, seq),
        alarm: (kind, detail) => this.d.alarms.alarm(peer, kind, detail),
        rollback: (seq) => this.noteRollback(peer, seq),
        conflict: (why) => this.conflict(peer, st, why),
      }));
    } catch (e) {
      this.refused(peer, items.length, via, e);
      throw e;
    }
    const counts = { accepted: 0, rejected: 0, duplicate: 0 };
    const receipt = this.d.store.tx(() => this.commit(peer, st, verified, newStream, via, counts));
    crashPoint('ingest.after-commit');
    this.d.committed?.(peer);
    this.counters.accepted += counts.accepted;
    this.counters.rejected += counts.rejected;
    this.counters.duplicate += counts.duplicate;
    const o = this.d.observer;
    if (o) {
      o.counts(peer, 'accepted', counts.accepted);
      o.counts(peer, 'duplicate', counts.duplicate);
      o.counts(peer, 'quarantined', counts.rejected);
      o.skew(peer, this.nowSec() - verified.at(-1)!.payload.iat);
    }
    return { receipt, ...counts };
  }

  private refused(peer: string, n: number, via: string, e: unknown): void {
    this.counters.refused += n;
    this.d.observer?.counts(peer, 'refused', n);
    if (e instanceof AppError && e.status !== 409) {
      this.d.store.tx(() => {
        this.d.store.exchange.updateInStream(peer, { last_error: `${e.status} ${e.message}`.slice(0, 300) });
        const details = { status: e.status, reason: e.message.slice(0, 300), items: n, via };
        this.d.audit.append({ action: 'ingest.refused', actor: `partner:${peer}`, subject: peer, details });
      });
    }
  }

  /** The batch transaction: apply, keep the evidence, move the cursor, sign the receipt. */
  private commit(
    peer: string,
    st: InStreamRow,
    verified: Verified[],
    newStream: string | null,
    via: string,
    counts: { accepted: number; rejected: number; duplicate: number },
  ): string {
    const x = this.d.store.exchange;
    const actor = `partner:${peer}`;
    const receivedAt = new Date(this.d.clock.now()).toISOString();
    const cur = x.inStream(peer)!;
    if (cur.stream !== st.stream || cur.next_seq !== st.next_seq) {
      throw this.conflict(peer, cur, 'the stream moved while this batch was verified');
    }
    let from = cur.receipt_upto;
    if (newStream) {
      const old = JSON.parse(cur.old_streams) as string[];
      if (cur.stream) old.push(cur.stream);
      x.updateInStream(peer, {
        stream: newStream,
        next_seq: 1,
        last_hash: '',
        last_iat: 0,
        receipt_upto: 0,
        old_streams: JSON.stringify(old),
        rollback_seen_at: null,
      });
      if (cur.stream)
        this.d.alarms.alarm(
          peer,
          'new-stream',
          `the partner started a new stream ${newStream}; ${cur.stream} is retired`,
        );
      const details = { stream: newStream, old: cur.stream || null };
      this.d.audit.append({ action: 'stream.accept-new', actor, subject: peer, details });
      from = 0;
    }
    const stream = newStream ?? cur.stream;
    for (const [k, v] of verified.entries()) {
      if (k === Math.floor(verified.length / 2)) crashPoint('ingest.mid-batch');
      const applied = this.applier.apply(peer, v, stream, newStream !== null);
      const outcome = applied.reason === undefined ? applied : { ...applied, reason: receiptReason(applied.reason) };
      counts[outcome.kind]++;
      x.insertInbound({
        partner: peer,
        stream,
        seq: v.payload.seq,
        kind: v.payload.kind,
        hash: v.hash,
        jws: v.jws,
        outcome: outcome.kind === 'rejected' ? 'rejected' : 'accepted',
        reason: outcome.reason ?? null,
        received_at: receivedAt,
      });
      if (outcome.kind === 'rejected') {
        const details = { stream, seq: v.payload.seq, reason: outcome.reason };
        this.d.audit.append({ action: 'ingest.quarantine', actor, subject: peer, details });
      }
    }
    const last = verified.at(-1)!;
    const upTo = last.payload.seq;
    const rejected = x.inboundRejected(peer, stream, from, upTo);
    const payload: ReceiptPayload = {
      iss: this.d.nodeId,
      aud: peer,
      iat: this.nowSec(),
      stream,
      from,
      upTo,
      head: last.hash,
      rejected,
    };
    const checkpoint = this.d.audit.latestCheckpoint();
    if (checkpoint) payload.checkpoint = { seq: checkpoint.seq, hash: checkpoint.hash };
    const receipt = signJson(this.d.identity.signer, payload, 'entente-receipt+jws').jws;
    x.updateInStream(peer, {
      next_seq: upTo + 1,
      last_hash: last.hash,
      last_iat: last.payload.iat,
      receipt_jws: receipt,
      receipt_upto: upTo,
      last_contact_at: receivedAt,
      last_error: null,
    });
    const details = { stream, from: verified[0]!.payload.seq, upTo, via, ...counts };
    this.d.audit.append({ action: 'ingest.batch', actor, subject: peer, details });
    return receipt;
  }
}
