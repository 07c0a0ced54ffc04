// Outbound streams (docs/protocol.md §6.3–§6.8): one per partner, hash-chained, signed releases in
// publication order. This module is the only writer of outbound stream state: appending and
// materialising, pages for the feed and the pusher, receipts and 409 answers, blocks and errors,
// resets and re-anchors. `appended` fires after a commit that gave a partner something to push.
import { Emitter } from '../../core/events.js';
import { AppError } from '../../domain/errors.js';
import type { RecordType } from '../../domain/redaction.js';
import type { Json } from '../../domain/validation.js';
import type { Decision } from '../../policy/decide.js';
import type { ReleaseRow } from '../../store/exchange.js';
import type { ReceiptPayload } from '../wire.js';
import { StreamWriter, type OutboundDeps, type Publication } from './append.js';
import { Materialiser } from './materialise.js';
import { ackProblem, type ConflictAction } from './position.js';
import { Receipts, type PartnerKeys } from './receipts.js';

export type { OutboundOptions } from './append.js';
export type { ConflictAction } from './position.js';

export interface OutboundEvents extends Record<string, unknown[]> {
  /** A commit appended releases the partner has not received (wakes its pusher). */
  appended: [partner: string];
  /** A receipt was stored (key rotation waits on receipts). */
  receipt: [partner: string];
  /** A committed FLASH release waits for the partner (its link retries now, docs/protocol.md §14.2). */
  urgent: [partner: string];
}

export interface Page {
  stream: string;
  items: ReleaseRow[];
  more: boolean;
  head: { seq: number; hash: string };
}

/** A pushed batch: the inbox body and the seqs it carries. */
export interface Batch {
  from: number;
  last: number;
  body: string;
}

const PUSH_ITEMS = 500;

export class Outbound {
  readonly events = new Emitter<OutboundEvents>();
  private readonly w: StreamWriter;
  private readonly m: Materialiser;
  private readonly r: Receipts;
  private touched: string[] = [];
  private urgent: string[] = [];

  constructor(
    private readonly d: OutboundDeps,
    partners: PartnerKeys,
  ) {
    this.w = new StreamWriter(d);
    this.m = new Materialiser(d, this.w);
    this.r = new Receipts(d, partners);
  }

  /** Emits `appended` for each partner (after the commit that appended for them). */
  wake(partners: Iterable<string>): void {
    for (const p of partners) this.events.emit('appended', p);
  }

  // ---------- publication (the record service's listener)

  /** Inside the publication transaction: materialise for partners within W. */
  published(v: Publication & { pubSeq: number }): void {
    const r = this.m.onPublished(v);
    this.touched = r.touched;
    this.urgent = r.urgent;
  }

  /** After the publication committed: wake the pushers of the partners it was appended for. */
  committed(): void {
    const partners = this.touched;
    const urgent = this.urgent;
    this.touched = [];
    this.urgent = [];
    for (const p of urgent) this.events.emit('urgent', p);
    this.wake(partners.filter((p) => !urgent.includes(p)));
  }

  // ---------- partner lifecycle (inside the registration transaction)

  /** A partner was registered (or re-added): create its stream with a statement at seq 1, or resume. */
  registered(partner: string, agreementChanged: boolean): void {
    const x = this.d.store.exchange;
    const s = x.outStream(partner);
    if (!s) {
      const stream = this.w.create(partner);
      this.w.appendStatement(partner);
      this.w.startBackfill(partner);
      this.d.audit.append({ action: 'stream.create', actor: 'system', subject: partner, details: { stream } });
      return;
    }
    // re-added (or updated): a statement when the agreement changed or the partner came back
    const current = this.d.agreements.current(partner);
    if (
      agreementChanged ||
      s.stmt_agreement_rev !== this.d.agreements.currentRev(partner) ||
      s.stmt_valid_state !== this.w.validityState(current)
    ) {
      this.w.appendStatement(partner);
      this.w.startBackfill(partner);
    }
    x.updateOutStream(partner, { blocked: null });
  }

  removed(partner: string): void {
    if (this.d.store.exchange.outStream(partner)) this.w.appendStatement(partner);
  }

  /** After an agreement change: a statement before any release under it, then backfill. */
  agreementChanged(partner: string): void {
    if (!this.d.store.exchange.outStream(partner)) return;
    this.w.appendStatement(partner);
    this.w.startBackfill(partner);
  }

  /** Key rotation: a statement announcing the new key to every active partner with a stream. Inside a transaction. */
  announceKeys(): string[] {
    const partners: string[] = [];
    for (const p of this.d.store.partners.active()) {
      if (!this.d.store.exchange.outStream(p.node_id)) continue;
      this.w.appendStatement(p.node_id);
      partners.push(p.node_id);
    }
    return partners;
  }

  /** An acknowledgement of a partner's alert (kind `ack`, entente/1.1). Inside a transaction. */
  appendAck(partner: string, ack: Record<string, Json>): ReleaseRow {
    return this.w.appendAck(partner, ack);
  }

  /** A consultation message to a partner. Inside a transaction. */
  appendConsultation(partner: string, message: Record<string, Json>): ReleaseRow {
    return this.w.appendConsultation(partner, message);
  }

  // ---------- policy and materialisation

  decideFor(partner: string, pub: { id: string; type: RecordType; record: Record<string, Json> }): Decision {
    return this.w.decideFor(partner, pub);
  }

  materialise(partner: string, targetSeq?: number, budget?: number): number {
    return this.m.materialise(partner, targetSeq, budget);
  }

  pending(partner: string): boolean {
    return this.m.pending(partner);
  }

  // ---------- reading the stream (feed, pusher)

  /** Releases after `after`, at most `limit` items and `maxBytes` of JWS text, materialising as needed. */
  page(partner: string, after: number, limit: number, maxBytes = this.d.options.maxBatchBytes): Page {
    const x = this.d.store.exchange;
    let s = x.outStream(partner);
    if (!s) throw new AppError('forbidden', '');
    if (s.head_seq < after + limit && this.m.pending(partner)) {
      this.m.materialise(partner, after + limit);
      s = x.outStream(partner)!;
    }
    const rows = x.releasesAfter(s.stream, after, limit + 1);
    const items: ReleaseRow[] = [];
    let bytes = 0;
    for (const r of rows.slice(0, limit)) {
      if (items.length > 0 && bytes + r.jws.length + 3 > maxBytes) break;
      bytes += r.jws.length + 3;
      items.push(r);
    }
    const more = rows.length > items.length || this.m.pending(partner);
    return { stream: s.stream, items, more, head: { seq: s.head_seq, hash: s.head_hash } };
  }

  /** GET /v1/feed: a page for the partner, which is recorded as having pulled. */
  feed(partner: string, after: number, limit: number, maxBytes: number): Page {
    const page = this.page(partner, after, limit, maxBytes);
    this.d.store.tx(() => {
      this.d.store.exchange.updateOutStream(partner, { last_pull_by_partner_at: this.w.iso() });
      this.d.audit.append({
        action: 'federation.pull',
        actor: `partner:${partner}`,
        subject: partner,
        details: { after, limit, items: page.items.length, head: page.head.seq },
      });
    });
    return page;
  }

  /** The next batch to push from seq `from`, or null when there is nothing to push. */
  nextBatch(partner: string, from: number): Batch | null {
    const page = this.page(partner, from - 1, PUSH_ITEMS, this.d.options.maxBatchBytes - 64);
    if (page.items.length === 0) return null;
    return { from, last: page.items.at(-1)!.seq, body: JSON.stringify({ items: page.items.map((r) => r.jws) }) };
  }

  /**
   * While a batch ending at `last` is in flight: materialise up to 100 releases of the next one.
   * Returns false when there is nothing more to materialise for it.
   */
  materialiseAhead(partner: string, last: number): boolean {
    const target = last + PUSH_ITEMS;
    const cur = this.d.store.exchange.outStream(partner)!;
    if (cur.head_seq >= target || !this.m.pending(partner)) return false;
    this.m.materialise(partner, Math.min(target, cur.head_seq + 100));
    return true;
  }

  /** Where pushing resumes, and why it is stopped (null when it is not). */
  pushPosition(partner: string): { next: number; blocked: string | null; acked: boolean } | null {
    const s = this.d.store.exchange.outStream(partner);
    if (!s) return null;
    return { next: s.push_next, blocked: s.blocked, acked: s.receipt_upto >= s.head_seq };
  }

  // ---------- answers

  verifyReceipt(partner: string, jws: string): ReceiptPayload {
    return this.r.verify(partner, jws);
  }

  /** The inbox's receipt for a batch ending at `last`: verified now, stored later with acceptReceipt(). */
  checkAck(partner: string, jws: string, last: number): ReceiptPayload {
    const p = this.r.verify(partner, jws);
    const problem = ackProblem(this.d.store.exchange.outStream(partner)!.stream, p, last);
    if (problem) throw new Error(problem);
    return p;
  }

  acceptReceipt(partner: string, jws: string, via: 'push' | 'pull'): ReceiptPayload {
    const { payload, stored } = this.r.accept(partner, jws, via);
    if (stored) this.events.emit('receipt', partner);
    return payload;
  }

  conflict(partner: string, body: unknown): ConflictAction {
    return this.r.conflict(partner, body);
  }

  /** Pushing stops until the operator resets the stream or the partner is fixed. */
  block(partner: string, why: string): void {
    const update = { blocked: why.slice(0, 500), last_error: why.slice(0, 300) };
    this.d.store.tx(() => this.d.store.exchange.updateOutStream(partner, update));
    const detail = `${why}; pushing stopped until the operator resets the stream or the partner is fixed`;
    this.d.alarms.alarm(partner, 'push-stopped', detail);
  }

  pushFailed(partner: string, error: string): void {
    this.d.store.tx(() => this.d.store.exchange.updateOutStream(partner, { last_error: error.slice(0, 300) }));
  }

  pushed(partner: string, at: string): void {
    this.d.store.tx(() => this.d.store.exchange.updateOutStream(partner, { last_push_at: at, last_error: null }));
  }

  // ---------- operator stream operations

  /** `entente stream reset`: a new stream, statement at seq 1, holdings emptied, backfill per the agreement. */
  reset(partner: string, actor: string): { stream: string } {
    this.d.agreements.requireKnownPartner(partner);
    let stream = '';
    this.d.store.tx(() => {
      const old = this.d.store.exchange.outStream(partner);
      stream = this.w.create(partner);
      this.d.store.exchange.clearHoldings(partner);
      this.w.appendStatement(partner);
      this.w.startBackfill(partner);
      const details = { old: old?.stream ?? null, stream };
      this.d.audit.append({ action: 'stream.reset', actor, subject: partner, details });
    });
    this.wake([partner]);
    return { stream };
  }

  /**
   * The exercise reset (docs/protocol.md §14.5): every stream restarts as after `entente stream reset`
   * (§6.6), once the records were wiped. Inside the reset's transaction; wake() the partners after it.
   */
  resetAll(actor: string): string[] {
    const partners: string[] = [];
    for (const old of this.d.store.exchange.outStreams()) {
      const stream = this.w.create(old.partner);
      this.w.appendStatement(old.partner);
      this.w.startBackfill(old.partner);
      const details = { old: old.stream, stream };
      this.d.audit.append({ action: 'stream.reset', actor, subject: old.partner, details });
      partners.push(old.partner);
    }
    return partners;
  }

  /**
   * `entente stream re-anchor`: after this node was restored from a backup, continue at the
   * receiver's expected seq with prev = its receipt head, recording the gap with that receipt as
   * evidence (kept from the 409 that showed the partner ahead).
   */
  reanchor(partner: string, actor: string): { ok: true } {
    const x = this.d.store.exchange;
    const text = x.reanchorEvidence(partner);
    if (!text) {
      throw new AppError(
        'conflict',
        "no evidence of a partner ahead of this node: re-anchor applies after a 409 whose expected seq is beyond this node's head",
      );
    }
    const evidence = JSON.parse(text) as { expectedSeq: number; head: string; receipt: string };
    this.d.store.tx(() => {
      const s = x.outStream(partner);
      if (!s) throw new AppError('not-found', 'no stream to that partner');
      if (evidence.expectedSeq - 1 <= s.head_seq) {
        throw new AppError('conflict', 'the partner is not ahead of this node: nothing to re-anchor');
      }
      // releases materialised after the restore, at seqs the partner already holds with other
      // content, never reached it: forget those holdings and materialise their records again
      const superseded = x.releasesAfter(s.stream, s.receipt_upto, 100_000).filter((r) => r.record_id !== null);
      for (const r of superseded) x.dropHolding(partner, r.record_id!);
      const rewind = superseded.reduce((m, r) => (r.pub_seq !== null ? Math.min(m, r.pub_seq - 1) : m), s.mat_cursor);
      x.updateOutStream(partner, {
        head_seq: evidence.expectedSeq - 1,
        head_hash: evidence.head,
        receipt_upto: evidence.expectedSeq - 1,
        push_next: evidence.expectedSeq,
        blocked: null,
        mat_cursor: rewind,
      });
      const details = {
        stream: s.stream,
        gapFrom: s.receipt_upto + 1,
        gapTo: evidence.expectedSeq - 1,
        rematerialised: superseded.length,
        receipt: evidence.receipt,
      };
      this.d.audit.append({ action: 'stream.re-anchor', actor, subject: partner, details });
      this.w.appendStatement(partner);
    });
    this.wake([partner]);
    this.d.store.tx(() => x.setReanchorEvidence(partner, ''));
    return { ok: true };
  }
}
