// The sender's side of receipts (brief §6.8) and of 409 answers (§6.6): verify every receipt, keep
// all of them, never move the receipt cursor backwards, raise a fork alarm on a mismatch.
import { verifyJws } from '../../crypto/jws.js';
import { AppError } from '../../domain/errors.js';
import { isObject } from '../../domain/validation.js';
import { schemas } from '../../schema/registry.js';
import type { Store } from '../../store/index.js';
import type { AuditService } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import type { PartnerService } from '../partners.js';
import type { ReceiptPayload } from '../inbound/ingest.js';
import type { AlarmSink } from './streams.js';

export type ConflictAction = 'resume' | 'restart' | 'receiver-restored' | 'sender-behind';

export class ReceiptService {
  /** Called after a receipt is stored (key rotation waits on receipts). */
  onAccepted: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly partners: PartnerService,
    private readonly alarms: AlarmSink,
    private readonly selfNodeId: string,
  ) {}

  /** Verifies a receipt's signature and shape; returns its payload. Throws 422. */
  verify(partner: string, jws: string): ReceiptPayload {
    const keys = this.partners.trust().get(partner)?.keys ?? [];
    const r = verifyJws(jws, { typ: 'entente-receipt+jws', keys, iatOf: (p) => (isObject(p) && typeof p.iat === 'number' ? p.iat : undefined) });
    if (!r.ok) throw new AppError('unprocessable', `receipt: ${r.reason}: ${r.detail}`);
    const errors = schemas().validate('receipt-payload', r.payload);
    if (errors.length) throw new AppError('unprocessable', `receipt: ${errors[0]!.pointer} ${errors[0]!.message}`);
    const p = r.payload as ReceiptPayload;
    if (p.iss !== partner) throw new AppError('unprocessable', 'receipt: iss is not the partner');
    if (p.aud !== this.selfNodeId) throw new AppError('unprocessable', 'receipt: aud is not this node');
    if (!(p.from <= p.upTo)) throw new AppError('unprocessable', 'receipt: from > upTo');
    return p;
  }

  /** A receipt from a partner (inbox answer or POST /v1/receipts). Throws 422 when it does not fit. */
  accept(partner: string, jws: string, via: 'push' | 'pull'): ReceiptPayload {
    const p = this.verify(partner, jws);
    const s = this.store.exchange.outStream(partner);
    if (!s) throw new AppError('unprocessable', 'receipt: no stream to this partner');
    if (p.stream === '' && p.upTo === 0) return p; // nothing accepted yet
    if (p.stream !== s.stream) throw new AppError('unprocessable', 'receipt: not for the current stream');
    if (p.upTo > s.head_seq) {
      this.alarms.alarm(partner, 'fork', `receipt acknowledges seq ${p.upTo} beyond this node's head ${s.head_seq}`);
      throw new AppError('unprocessable', 'receipt: upTo is beyond this node\'s head');
    }
    const release = p.upTo > 0 ? this.store.exchange.release(s.stream, p.upTo) : undefined;
    if (p.upTo > 0 && release && release.hash !== p.head) {
      this.alarms.alarm(partner, 'fork', `receipt head for seq ${p.upTo} does not match this node's release`);
      throw new AppError('unprocessable', 'receipt: head does not match (fork)');
    }
    const at = new Date(this.clock.now()).toISOString();
    this.store.tx(() => {
      this.store.exchange.insertReceipt({ partner, stream: p.stream, up_to: p.upTo, from_seq: p.from, head: p.head, iat: p.iat, rejected: JSON.stringify(p.rejected), jws, received_at: at });
      const cur = this.store.exchange.outStream(partner)!;
      const upto = Math.max(cur.receipt_upto, p.upTo);
      this.store.exchange.updateOutStream(partner, { receipt_upto: upto, push_next: Math.max(cur.push_next, upto + 1), ...(via === 'pull' ? { last_pull_by_partner_at: at } : {}) });
      this.audit.append({ action: 'receipt.received', actor: `partner:${partner}`, subject: partner, details: { stream: p.stream, from: p.from, upTo: p.upTo, rejected: p.rejected.length, via } });
      for (const r of p.rejected) this.audit.append({ action: 'receipt.rejected-item', actor: `partner:${partner}`, subject: partner, details: { seq: r.seq, reason: r.reason } });
    });
    this.onAccepted?.();
    return p;
  }

  /** §6.6: what a 409 {expected, receipt} means for the pusher. */
  onConflict(partner: string, body: unknown): ConflictAction {
    const b = body as { expected?: { stream?: unknown; seq?: unknown }; receipt?: unknown };
    const seq = Number(b.expected?.seq);
    const stream = String(b.expected?.stream ?? '');
    if (!Number.isSafeInteger(seq) || seq < 1) throw new AppError('unprocessable', '409 without a usable expected position');
    const s = this.store.exchange.outStream(partner)!;
    let receipt: ReceiptPayload | undefined;
    if (typeof b.receipt === 'string') {
      try {
        receipt = this.verify(partner, b.receipt);
      } catch {
        receipt = undefined;
      }
    }
    if (stream !== s.stream) {
      // the receiver does not know this stream (reset not yet seen, or it lost everything): from seq 1
      if (s.receipt_upto > 0 && stream === '') this.alarms.alarm(partner, 'receiver-restored', 'the partner knows nothing of this stream although it acknowledged it: re-sending from seq 1');
      this.store.tx(() => this.store.exchange.updateOutStream(partner, { push_next: 1 }));
      return 'restart';
    }
    if (seq - 1 > s.head_seq) {
      this.store.tx(() => this.store.exchange.updateOutStream(partner, { blocked: `sender-behind: the partner expects seq ${seq}, this node's head is ${s.head_seq} (restored from a backup?); run \`entente stream re-anchor --partner ${partner}\`` }));
      this.alarms.alarm(partner, 'sender-behind', `the partner expects seq ${seq} beyond this node's head ${s.head_seq}: pushing stopped until a re-anchor`);
      if (receipt) this.store.tx(() => this.store.meta.set(`reanchor:${partner}`, JSON.stringify({ expectedSeq: seq, head: receipt!.head, receipt: b.receipt })));
      return 'sender-behind';
    }
    if (seq - 1 < s.receipt_upto) {
      this.alarms.alarm(partner, 'receiver-restored', `the partner expects seq ${seq} although it acknowledged up to ${s.receipt_upto}: re-sending identical releases`);
      this.store.tx(() => this.store.exchange.updateOutStream(partner, { push_next: seq }));
      return 'receiver-restored';
    }
    this.store.tx(() => this.store.exchange.updateOutStream(partner, { push_next: seq, receipt_upto: Math.max(s.receipt_upto, seq - 1) }));
    return 'resume';
  }
}
