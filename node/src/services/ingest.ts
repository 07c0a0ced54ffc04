// Ingest (brief §6.7): the receiver's checks in order, then one transaction per batch (cursor
// re-checked inside) that applies records, tombstones, statements and consultations, keeps every
// release JWS verbatim as evidence, and signs a receipt (§6.8). Inbox and puller both call it; it is
// synchronous, so calls for one stream are serialised.
import { memberText } from '../crypto/canonical.js';
import { crashPoint } from '../config/crash.js';
import { sha256 } from '../crypto/digest.js';
import { signJson, verifyJws, peekJws, type Signer } from '../crypto/jws.js';
import type { PublicJwk } from '../crypto/keys.js';
import type { Presigned, SignaturePool } from '../crypto/signature-pool.js';
import { validateAgreement } from '../domain/agreement-rules.js';
import { crossVersionViolations, type VersionView as CrossVersionView } from '../domain/cross-version.js';
import { AppError } from '../domain/errors.js';
import { searchTerms } from '../domain/lifecycle.js';
import { checkReleasedRecord } from '../domain/released-record.js';
import { nodeIdOfUrn, recordTypeOfId } from '../domain/record-rules.js';
import type { RecordType } from '../domain/redaction.js';
import { isObject, type Json } from '../domain/validation.js';
import { schemas } from '../schema/registry.js';
import type { InStreamRow, RecordVersionRow, Store } from '../store/index.js';
import type { AuditService } from './audit.js';
import type { Clock } from './clock.js';
import { announcedKeyProblem, type PartnerService } from './partners.js';
import type { AlarmSink } from './streams.js';

const KNOWN_KINDS = new Set(['record', 'tombstone', 'statement', 'consultation']);
export const MAX_SKEW_SECONDS = 300;

export interface ReleasePayload {
  iss: string;
  aud: string;
  stream: string;
  seq: number;
  prev: string;
  iat: number;
  kind: string;
  agreement: { reference: string; version: number } | null;
  [member: string]: Json;
}

/** Consultation handling plugs in here (records-v1 §9); returns a quarantine reason or null. */
export interface ConsultationSink {
  check(peer: string, payload: ReleasePayload): string | null;
  apply(peer: string, payload: ReleasePayload): void;
}

export interface ReceiptPayload {
  iss: string;
  aud: string;
  iat: number;
  stream: string;
  from: number;
  upTo: number;
  head: string;
  rejected: { seq: number; reason: string }[];
  checkpoint?: { seq: number; hash: string };
}

export interface IngestResult {
  receipt: string;
  accepted: number;
  rejected: number;
  duplicate: number;
}

interface Verified {
  jws: string;
  payload: ReleasePayload;
  text: string;
  hash: string;
}

export interface IngestOptions {
  nodeId: string;
  maxReleaseBytes: number;
  countryOf: (nodeId: string) => string | undefined;
}

export interface IngestObserver {
  counts(peer: string, outcome: 'accepted' | 'duplicate' | 'quarantined' | 'refused', n: number): void;
  skew(peer: string, seconds: number): void;
}

/**
 * A quarantine reason as the receipt carries it (receipt-payload.schema.json: at most 300 code
 * points, no control characters). A reason can quote the partner's own text (`schema:<pointer>`
 * names a member it sent), and a receipt outside its schema would be refused by the sender.
 */
export function receiptReason(reason: string): string {
  const clean = reason.replace(/[\u0000-\u001F\u007F]/g, '?');
  const points = Array.from(clean);
  return points.length <= 300 ? clean : points.slice(0, 299).join('') + '…';
}

export class IngestService {
  consultations: ConsultationSink | null = null;
  observer: IngestObserver | null = null;
  /** Checks a batch's signatures on two threads before ingestBatch() (none: on this thread, in order). */
  signatures: SignaturePool | null = null;
  private readonly counters = { accepted: 0, rejected: 0, duplicate: 0, refused: 0 };

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly signer: () => Signer,
    private readonly partners: PartnerService,
    private readonly alarms: AlarmSink,
    private readonly o: IngestOptions,
  ) {}

  stats(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The receiver's current signed receipt for a partner (the initial one before anything is accepted). */
  currentReceipt(peer: string): string {
    const st = this.store.exchange.inStream(peer);
    if (st?.receipt_jws) return st.receipt_jws;
    const payload: ReceiptPayload = { iss: this.o.nodeId, aud: peer, iat: this.nowSec(), stream: '', from: 0, upTo: 0, head: '', rejected: [] };
    return signJson(this.signer(), payload, 'entente-receipt+jws').jws;
  }

  private conflict(peer: string, st: InStreamRow, why: string): AppError {
    return new AppError('stream-conflict', why, [], { expected: { stream: st.stream, seq: st.next_seq }, receipt: this.currentReceipt(peer) });
  }

  private unprocessable(k: number, why: string): AppError {
    return new AppError('unprocessable', `item ${k}: ${why}`);
  }

  /** Checks 1–11 without writing; returns the verified items. */
  private verify(peer: string, items: readonly string[], st: InStreamRow, presigned?: Map<number, Presigned>): { verified: Verified[]; newStream: string | null } {
    // check 1, before anything else: every item's iss is the authenticated peer
    const peeks = items.map((item) => peekJws(item));
    for (const peeked of peeks) {
      if (peeked && (!isObject(peeked.payload) || peeked.payload.iss !== peer)) throw new AppError('forbidden', '');
    }
    const keys: PublicJwk[] = this.partners.trust().get(peer)?.keys ?? [];
    const old = JSON.parse(st.old_streams) as string[];
    let expectedSeq = st.next_seq;
    let prevHash = st.last_hash;
    let prevIat = st.last_iat;
    let stream = st.stream;
    let newStream: string | null = null;
    const verified: Verified[] = [];
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      const peeked = peeks[k];
      if (!peeked) throw this.unprocessable(k, 'not a compact JWS');
      const r = verifyJws(item, { typ: 'entente-release+jws', keys, iatOf: (p) => (isObject(p) && typeof p.iat === 'number' ? p.iat : undefined), maxPayloadBytes: this.o.maxReleaseBytes, peeked, presigned: presigned?.get(k) });
      if (!r.ok) throw this.unprocessable(k, `${r.reason}: ${r.detail}`);
      const p = r.payload as ReleasePayload;
      const env = KNOWN_KINDS.has(String((p as { kind?: unknown }).kind))
        ? schemas().validate('release-payload', p, String(p.kind))
        : schemas().validate('release-payload', p, 'Any');
      if (env.length) throw this.unprocessable(k, `release envelope: ${env[0]!.pointer || '/'} ${env[0]!.message}`);
      if (p.aud !== this.o.nodeId) throw this.unprocessable(k, 'aud is not this node');
      // check 7: stream current (or seq 1 of a new one) and seq = expected
      if (p.stream !== stream) {
        if (k === 0 && p.seq === 1 && !old.includes(p.stream)) {
          newStream = p.stream;
          stream = p.stream;
          expectedSeq = 1;
          prevHash = '';
          prevIat = 0;
        } else {
          if (old.includes(p.stream)) this.alarms.alarm(peer, 'old-stream', `a release on the retired stream ${p.stream} was refused`);
          throw this.conflict(peer, st, 'stream is not current');
        }
      }
      if (p.seq !== expectedSeq) {
        if (k === 0 && p.seq < expectedSeq && p.stream === st.stream) {
          // an identical resend (same payload hash) is a duplicate; a different payload at a held seq
          // means the sender lost what it sent (restored from a backup)
          const held = this.store.exchange.inboundHash(peer, p.stream, p.seq);
          if (held !== undefined && held !== r.hash) this.noteRollback(peer, p.seq);
        }
        throw this.conflict(peer, st, `seq ${p.seq} is not the expected ${expectedSeq}`);
      }
      if (p.prev !== prevHash) {
        this.alarms.alarm(peer, 'fork', `release ${p.stream}/${p.seq}: prev does not match the hash of release ${p.seq - 1}`);
        throw this.unprocessable(k, 'prev does not match the hash of the previous release (fork)');
      }
      if (p.iat > this.nowSec() + MAX_SKEW_SECONDS) {
        this.alarms.alarm(peer, 'skew', `release ${p.stream}/${p.seq} has iat ${p.iat - this.nowSec()} s in the future`);
        throw new AppError('unavailable', 'iat is too far in the future: check clocks', [], { retryAfter: 60 });
      }
      if (p.iat < prevIat) throw this.unprocessable(k, 'iat goes backwards');
      const origin = this.originatorProblem(peer, p);
      if (origin) throw this.unprocessable(k, origin);
      verified.push({ jws: item, payload: p, text: r.payloadText, hash: r.hash });
      expectedSeq++;
      prevHash = r.hash;
      prevIat = p.iat;
    }
    return { verified, newStream };
  }

  /** Check 11: the originator of what a release carries is its issuer. */
  private originatorProblem(peer: string, p: ReleasePayload): string | null {
    if (p.kind === 'record' && isObject(p.record) && p.record.originatorNodeId !== peer) return 'record.originatorNodeId is not the issuer';
    if (p.kind === 'tombstone' && isObject(p.tombstone) && nodeIdOfUrn((p.tombstone as Json).ref?.id) !== peer) return 'tombstone.ref.id is not the issuer\'s';
    if (p.kind === 'statement' && isObject(p.statement) && isObject(p.statement.agreement) && p.statement.agreement.partner !== this.o.nodeId) return 'statement.agreement.partner is not this node';
    if (p.kind === 'consultation' && isObject(p.consultation) && nodeIdOfUrn(p.consultation.id) !== peer) return 'the consultation message\'s author is not the issuer';
    return null;
  }

  private noteRollback(peer: string, seq: number): void {
    this.store.tx(() => {
      this.store.exchange.updateInStream(peer, { rollback_seen_at: this.nowSec() });
    });
    this.alarms.alarm(peer, 'sender-rollback', `the partner sent seq ${seq}, below what it already delivered: it may have been restored from a backup`);
  }

  /** Runs checks 1–15 over a batch and commits it; returns the new signed receipt. */
  /**
   * As ingest(), with the batch's signatures checked first on two threads (SignaturePool) while no
   * state is read: ingest() then checks everything in order, using those results.
   */
  async ingestBatch(peer: string, items: readonly string[], via: 'push' | 'pull'): Promise<IngestResult> {
    const keys = this.partners.trust().get(peer)?.keys ?? [];
    const presigned = this.signatures && keys.length > 0 ? await this.signatures.check(items, keys) : undefined;
    return this.ingest(peer, items, via, presigned);
  }

  ingest(peer: string, items: readonly string[], via: 'push' | 'pull', presigned?: Map<number, Presigned>): IngestResult {
    this.store.exchange.ensureInStream(peer);
    const st = this.store.exchange.inStream(peer)!;
    if (items.length === 0) return { receipt: this.currentReceipt(peer), accepted: 0, rejected: 0, duplicate: 0 };
    let verified: Verified[];
    let newStream: string | null;
    try {
      ({ verified, newStream } = this.verify(peer, items, st, presigned));
    } catch (e) {
      this.counters.refused += items.length;
      this.observer?.counts(peer, 'refused', items.length);
      if (e instanceof AppError && e.status !== 409) {
        this.store.tx(() => {
          this.store.exchange.updateInStream(peer, { last_error: `${e.status} ${e.message}`.slice(0, 300) });
          this.audit.append({ action: 'ingest.refused', actor: `partner:${peer}`, subject: peer, details: { status: e.status, reason: e.message.slice(0, 300), items: items.length, via } });
        });
      }
      throw e;
    }
    const counts = { accepted: 0, rejected: 0, duplicate: 0 };
    let receipt = '';
    const receivedAt = new Date(this.clock.now()).toISOString();
    this.store.tx(() => {
      const cur = this.store.exchange.inStream(peer)!;
      if (cur.stream !== st.stream || cur.next_seq !== st.next_seq) throw this.conflict(peer, cur, 'the stream moved while this batch was verified');
      let from = cur.receipt_upto;
      if (newStream) {
        const old = JSON.parse(cur.old_streams) as string[];
        if (cur.stream) old.push(cur.stream);
        this.store.exchange.updateInStream(peer, { stream: newStream, next_seq: 1, last_hash: '', last_iat: 0, receipt_upto: 0, old_streams: JSON.stringify(old), rollback_seen_at: null });
        if (cur.stream) this.alarms.alarm(peer, 'new-stream', `the partner started a new stream ${newStream}; ${cur.stream} is retired`);
        this.audit.append({ action: 'stream.accept-new', actor: `partner:${peer}`, subject: peer, details: { stream: newStream, old: cur.stream || null } });
        from = 0;
      }
      const stream = newStream ?? cur.stream;
      for (const [k, v] of verified.entries()) {
        if (k === Math.floor(verified.length / 2)) crashPoint('ingest.mid-batch');
        const applied = this.apply(peer, v, stream, newStream !== null);
        const outcome = applied.reason === undefined ? applied : { ...applied, reason: receiptReason(applied.reason) };
        counts[outcome.kind]++;
        this.store.exchange.insertInbound({
          partner: peer, stream, seq: v.payload.seq, kind: v.payload.kind, hash: v.hash, jws: v.jws,
          outcome: outcome.kind === 'rejected' ? 'rejected' : 'accepted', reason: outcome.reason ?? null, received_at: receivedAt,
        });
        if (outcome.kind === 'rejected') this.audit.append({ action: 'ingest.quarantine', actor: `partner:${peer}`, subject: peer, details: { stream, seq: v.payload.seq, reason: outcome.reason } });
      }
      const last = verified.at(-1)!;
      const upTo = last.payload.seq;
      const rejected = this.store.exchange.inboundRejected(peer, stream, from, upTo);
      const payload: ReceiptPayload = { iss: this.o.nodeId, aud: peer, iat: this.nowSec(), stream, from, upTo, head: last.hash, rejected };
      const checkpoint = this.audit.latestCheckpoint();
      if (checkpoint) payload.checkpoint = { seq: checkpoint.seq, hash: checkpoint.hash };
      receipt = signJson(this.signer(), payload, 'entente-receipt+jws').jws;
      this.store.exchange.updateInStream(peer, { next_seq: upTo + 1, last_hash: last.hash, last_iat: last.payload.iat, receipt_jws: receipt, receipt_upto: upTo, last_contact_at: receivedAt, last_error: null });
      this.audit.append({ action: 'ingest.batch', actor: `partner:${peer}`, subject: peer, details: { stream, from: verified[0]!.payload.seq, upTo, via, ...counts } });
    });
    crashPoint('ingest.after-commit');
    this.counters.accepted += counts.accepted;
    this.counters.rejected += counts.rejected;
    this.counters.duplicate += counts.duplicate;
    if (this.observer) {
      this.observer.counts(peer, 'accepted', counts.accepted);
      this.observer.counts(peer, 'duplicate', counts.duplicate);
      this.observer.counts(peer, 'quarantined', counts.rejected);
      this.observer.skew(peer, this.nowSec() - verified.at(-1)!.payload.iat);
    }
    return { receipt, ...counts };
  }

  /** Checks 12–15 and the effect of one release. Inside the batch transaction. */
  private apply(peer: string, v: Verified, stream: string, onNewStream: boolean): { kind: 'accepted' | 'rejected' | 'duplicate'; reason?: string } {
    const p = v.payload;
    if (!KNOWN_KINDS.has(p.kind)) return { kind: 'rejected', reason: 'unknown-kind' };
    switch (p.kind) {
      case 'record':
        return this.applyRecord(peer, v, stream, onNewStream);
      case 'tombstone': {
        const ref = (p.tombstone as { ref: { id: string; version: number } }).ref;
        const held = this.store.records.current(ref.id);
        if (held && held.origin === peer) this.store.records.markRecalled(ref.id);
        this.audit.append({ action: 'ingest.tombstone', actor: `partner:${peer}`, subject: ref.id, details: { version: ref.version, held: !!held } });
        return { kind: 'accepted' };
      }
      case 'statement':
        return this.applyStatement(peer, v, stream);
      case 'consultation': {
        if (!this.consultations) return { kind: 'rejected', reason: 'consultations-unsupported' };
        const problem = this.consultations.check(peer, p);
        if (problem) return { kind: 'rejected', reason: problem };
        this.consultations.apply(peer, p);
        return { kind: 'accepted' };
      }
      default:
        return { kind: 'rejected', reason: 'unknown-kind' };
    }
  }

  private applyRecord(peer: string, v: Verified, stream: string, onNewStream: boolean): { kind: 'accepted' | 'rejected' | 'duplicate'; reason?: string } {
    const p = v.payload;
    const record = p.record as Record<string, Json>;
    const redacted = p.redacted as string[];
    const verdict = checkReleasedRecord(record, redacted, this.o.countryOf, true);
    if (verdict.reason) return { kind: 'rejected', reason: verdict.reason };
    const id = record.id as string;
    const type = recordTypeOfId(id)!;
    // the payload is canonical, so the record's canonical text is its substring there
    const body = memberText(v.text, 'record') ?? JSON.stringify(record);
    const digest = sha256(body);
    const held = this.store.records.current(id);
    const version = record.version as number;
    const row = {
      id, version, view: 1, type, origin: peer, own: 0, status: String(record.status), body, digest, signature: null, jws: null,
      redacted: JSON.stringify(redacted), agreement: JSON.stringify(p.agreement), stream, seq: p.seq, updated_at: String(record.updatedAt), stored_at: new Date(this.clock.now()).toISOString(),
    };
    if (held && held.origin !== peer) return { kind: 'rejected', reason: 'not-originator' };
    if (!held || version > held.version) {
      const heldVersion = held ? this.store.records.currentVersion(id) : undefined;
      const rowId = this.store.records.insertVersion(row);
      this.store.records.setCurrent({ ...row, row_id: rowId }, String(record.originatorReference), String(record.createdAt), searchTerms(type, record), false, held ?? null);
      if (heldVersion) this.checkCrossVersion(peer, type, heldVersion, { version, record, redacted });
      return { kind: 'accepted' };
    }
    const existing = this.store.records.version(id, version);
    if (version < held.version) {
      if (!existing) this.store.records.insertVersion(row);
      return { kind: 'rejected', reason: 'version-older' };
    }
    if (existing && existing.digest === digest) return { kind: 'duplicate' };
    // equal version, other digest
    const st = this.store.exchange.inStream(peer)!;
    const replace = onNewStream || (existing !== undefined && existing.stream !== stream) || (st.rollback_seen_at !== null && String(record.updatedAt) > String(existing?.updated_at ?? ''));
    if (replace) {
      const rowId = this.store.records.insertVersion({ ...row, view: (existing?.view ?? 0) + 1 });
      this.store.records.setCurrent({ ...row, view: (existing?.view ?? 0) + 1, row_id: rowId }, String(record.originatorReference), String(record.createdAt), searchTerms(type, record), false);
      this.audit.append({ action: 'ingest.replace-view', actor: `partner:${peer}`, subject: id, details: { version, old: existing?.digest, new: digest, stream } });
      return { kind: 'accepted' };
    }
    this.alarms.alarm(peer, 'equivocation', `${id} v${version} arrived with another digest; the first is kept, both JWS are evidence`);
    return { kind: 'rejected', reason: 'equivocation' };
  }

  /**
   * Cross-version rules against the version held (docs/protocol.md, Ingest: they bind the originator;
   * a receiver that holds the predecessor applies the version and alarms): an alarm naming the record
   * and the rules, and a review entry that labels the record until an analyst marks it reviewed.
   */
  private checkCrossVersion(peer: string, type: RecordType, held: RecordVersionRow, next: CrossVersionView): void {
    const violations = crossVersionViolations(type, { version: held.version, record: JSON.parse(held.body) as Record<string, Json>, redacted: JSON.parse(held.redacted ?? '[]') as string[] }, next);
    if (violations.length === 0) return;
    const at = new Date(this.clock.now()).toISOString();
    this.store.records.addReview(next.record.id as string, { version: next.version, heldVersion: held.version, violations, at });
    const rules = violations.map((v) => `${v.rule} ${v.pointer}`).join(', ');
    this.alarms.alarm(peer, 'cross-version', `${String(next.record.id)} v${next.version} breaks cross-version rules against v${held.version} held (${rules}): applied, labelled for review; ${violations[0]!.message}`);
  }

  private applyStatement(peer: string, v: Verified, stream: string): { kind: 'accepted' | 'rejected'; reason?: string } {
    const s = v.payload.statement as { agreement: unknown; keys?: { keys: PublicJwk[] }; tlsSpkiSha256?: string[]; checkpoint?: unknown };
    if (s.agreement !== null) {
      const errors = validateAgreement(s.agreement, { form: 'statement', receiver: this.o.nodeId });
      if (errors.length) return { kind: 'rejected', reason: `schema:/statement/agreement${errors[0]!.pointer}` };
    }
    const badKey = announcedKeyProblem(s.keys?.keys ?? []);
    if (badKey) {
      this.alarms.alarm(peer, 'announced-refused', `a statement (seq ${v.payload.seq}) announced a signing key that fails the checks of a bundle key (${badKey.message}); the statement is quarantined and nothing it carries is registered`);
      return { kind: 'rejected', reason: `schema:/statement/keys${badKey.pointer}` };
    }
    this.store.exchange.insertStatementIn({
      partner: peer, stream, seq: v.payload.seq, iat: v.payload.iat, agreement: s.agreement === null ? null : JSON.stringify(s.agreement), checkpoint: s.checkpoint ? JSON.stringify(s.checkpoint) : null,
    });
    const added = this.partners.addAnnounced(peer, s.keys?.keys ?? [], s.tlsSpkiSha256 ?? []);
    if (added.keys.length || added.pins.length) {
      this.audit.append({ action: 'partner.announced', actor: `partner:${peer}`, subject: peer, details: added });
      this.alarms.alarm(peer, 'announced', `the partner announced ${added.keys.length} signing key(s) and ${added.pins.length} TLS pin(s); they are registered`);
    }
    this.audit.append({ action: 'ingest.statement', actor: `partner:${peer}`, subject: peer, details: { stream, seq: v.payload.seq, agreement: isObject(s.agreement) ? { reference: s.agreement.reference, version: s.agreement.version } : null } });
    return { kind: 'accepted' };
  }
}
