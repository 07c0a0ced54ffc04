// The sender's side of receipts (docs/protocol.md §6.8) and of 409 answers (§6.6): verify every
// receipt, keep all of them, never move the receipt cursor backwards, raise a fork alarm on a mismatch.
import type { PublicJwk } from '../../crypto/keys.js';
import { verifyJws } from '../../crypto/jws.js';
import { AppError } from '../../domain/errors.js';
import { isObject } from '../../domain/validation.js';
import { schemas } from '../../schema/registry.js';
import type { ReceiptPayload } from '../wire.js';
import type { OutboundDeps } from './append.js';
import { expectedPosition, judgeReceipt, planConflict, type ConflictAction } from './position.js';

/** The registered signing keys of active partners. */
export interface PartnerKeys {
  trust(): ReadonlyMap<string, { keys: PublicJwk[] }>;
}

export class Receipts {
  constructor(
    private readonly d: OutboundDeps,
    private readonly partners: PartnerKeys,
  ) {}

  /** Verifies a receipt's signature and shape; returns its payload. Throws 422. */
  verify(partner: string, jws: string): ReceiptPayload {
    const keys = this.partners.trust().get(partner)?.keys ?? [];
    const iatOf = (p: unknown) => (isObject(p) && typeof p.iat === 'number' ? p.iat : undefined);
    const r = verifyJws(jws, { typ: 'entente-receipt+jws', keys, iatOf });
    if (!r.ok) throw new AppError('unprocessable', `receipt: ${r.reason}: ${r.detail}`);
    const errors = schemas().validate('receipt-payload', r.payload);
    if (errors.length) throw new AppError('unprocessable', `receipt: ${errors[0]!.pointer} ${errors[0]!.message}`);
    const p = r.payload as ReceiptPayload;
    if (p.iss !== partner) throw new AppError('unprocessable', 'receipt: iss is not the partner');
    if (p.aud !== this.d.options.nodeId) throw new AppError('unprocessable', 'receipt: aud is not this node');
    if (!(p.from <= p.upTo)) throw new AppError('unprocessable', 'receipt: from > upTo');
    return p;
  }

  /**
   * A receipt from a partner (inbox answer or POST /v1/receipts). Throws 422 when it does not fit;
   * `stored` is false for the initial receipt, which acknowledges nothing.
   */
  accept(partner: string, jws: string, via: 'push' | 'pull'): { payload: ReceiptPayload; stored: boolean } {
    const p = this.verify(partner, jws);
    const x = this.d.store.exchange;
    const s = x.outStream(partner);
    if (!s) throw new AppError('unprocessable', 'receipt: no stream to this partner');
    const verdict = judgeReceipt(s, p, (seq) => x.release(s.stream, seq)?.hash);
    if (verdict.kind === 'initial') return { payload: p, stored: false };
    if (verdict.kind === 'refuse') {
      if (verdict.fork) this.d.alarms.alarm(partner, 'fork', verdict.fork);
      throw new AppError('unprocessable', verdict.reason);
    }
    const at = new Date(this.d.clock.now()).toISOString();
    this.d.store.tx(() => {
      x.insertReceipt({
        partner,
        stream: p.stream,
        up_to: p.upTo,
        from_seq: p.from,
        head: p.head,
        iat: p.iat,
        rejected: JSON.stringify(p.rejected),
        jws,
        received_at: at,
      });
      const moved = { receipt_upto: verdict.receipt_upto, push_next: verdict.push_next };
      x.updateOutStream(partner, { ...moved, ...(via === 'pull' ? { last_pull_by_partner_at: at } : {}) });
      const actor = `partner:${partner}`;
      const details = { stream: p.stream, from: p.from, upTo: p.upTo, rejected: p.rejected.length, via };
      this.d.audit.append({ action: 'receipt.received', actor, subject: partner, details });
      for (const r of p.rejected) {
        const item = { seq: r.seq, reason: r.reason };
        this.d.audit.append({ action: 'receipt.rejected-item', actor, subject: partner, details: item });
      }
    });
    return { payload: p, stored: true };
  }

  /** §6.6: what a 409 {expected, receipt} means for the pusher. */
  conflict(partner: string, body: unknown): ConflictAction {
    const expected = expectedPosition(body);
    if (!expected) throw new AppError('unprocessable', '409 without a usable expected position');
    const x = this.d.store.exchange;
    const s = x.outStream(partner)!;
    const signed = (body as { receipt?: unknown }).receipt;
    let receipt: ReceiptPayload | undefined;
    if (typeof signed === 'string') {
      try {
        receipt = this.verify(partner, signed);
      } catch {
        receipt = undefined;
      }
    }
    const plan = planConflict(s, expected, partner);
    if (plan.action === 'sender-behind') {
      this.d.store.tx(() => x.updateOutStream(partner, plan.update));
      this.d.alarms.alarm(partner, plan.alarm!.kind, plan.alarm!.detail);
      if (receipt) {
        const evidence = JSON.stringify({ expectedSeq: expected.seq, head: receipt.head, receipt: signed });
        this.d.store.tx(() => x.setReanchorEvidence(partner, evidence));
      }
      return plan.action;
    }
    if (plan.alarm) this.d.alarms.alarm(partner, plan.alarm.kind, plan.alarm.detail);
    this.d.store.tx(() => x.updateOutStream(partner, plan.update));
    return plan.action;
  }
}
