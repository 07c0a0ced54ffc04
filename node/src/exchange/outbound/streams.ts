// Outbound streams (brief §6.3–§6.6): one per partner, hash-chained, signed releases materialised
// in publication order, at publication when the partner is within the window W, otherwise when the
// pusher or the feed handler asks. Statements, backfill, embargoes, recalls and resets live here.
import { CanonicalText, canonicalString } from '../../crypto/canonical.js';
import { crashPoint } from '../../config/crash.js';
import { randomId, sha256 } from '../../crypto/digest.js';
import type { Signer } from '../../crypto/jws.js';
import type { AgreementStatement } from '../../domain/agreement-rules.js';
import { checkReleasedRecord } from '../../domain/released-record.js';
import { isTerminal } from '../../domain/record-rules.js';
import type { RecordType } from '../../domain/redaction.js';
import { AppError } from '../../domain/errors.js';
import type { Json } from '../../domain/validation.js';
import { decide, type Decision } from '../../policy/decide.js';
import { schemas } from '../../schema/registry.js';
import type { OutStreamRow, PublicationRow, ReleaseRow, Store } from '../../store/index.js';
import type { AgreementService } from '../agreements.js';
import type { AuditService } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import type { PublishedVersion } from '../../services/records.js';

export interface StreamOptions {
  nodeId: string;
  country: string;
  window: number;
  maxReleaseBytes: number;
  maxBatchBytes: number;
  statementIdleHours: number;
  backfillChunk?: number;
}

export type ValidityState = 'none' | 'before' | 'in' | 'after';

export interface AlarmSink {
  alarm(partner: string | null, kind: string, detail: string): void;
}

const PUBLICATION_BATCH = 500;

export interface Announcements {
  keys?: unknown[];
  pins?: string[];
}

export class StreamService {
  private readonly listeners: ((partner: string) => void)[] = [];
  /** Keys and pins being rotated in: every statement announces them until they are in use (brief §3.5). */
  announcements: () => Announcements = () => ({});
  /** Called inside the transaction after each statement is appended. */
  onStatement: ((partner: string, stream: string, seq: number) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly signer: () => Signer,
    private readonly agreements: AgreementService,
    private readonly alarms: AlarmSink,
    private readonly o: StreamOptions,
  ) {}

  /** Called after a commit that appended releases for a partner (wakes its pusher). */
  onAppended(listener: (partner: string) => void): void {
    this.listeners.push(listener);
  }

  private notify(partners: Iterable<string>): void {
    for (const p of partners) for (const l of this.listeners) l(p);
  }

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  validityState(a: AgreementStatement | null): ValidityState {
    if (!a) return 'none';
    const today = new Date(this.clock.now()).toISOString().slice(0, 10);
    if (today < a.validFrom) return 'before';
    if (today > a.validUntil) return 'after';
    return 'in';
  }

  private registered(partner: string): boolean {
    return this.store.partners.isActive(partner);
  }

  // ---------- appending

  /** Appends one signed release to a partner's stream. Inside a transaction. */
  private append(s: OutStreamRow, kind: string, member: Record<string, Json | CanonicalText>, meta: { recordId?: string; version?: number; pubSeq?: number } = {}): ReleaseRow {
    const current = this.store.exchange.outStream(s.partner)!;
    const agreementRow = this.store.exchange.latestAgreement(s.partner);
    const agreement = agreementRow?.body ? (JSON.parse(agreementRow.body) as AgreementStatement) : null;
    const iat = Math.max(this.nowSec(), current.head_iat);
    const payload = {
      iss: this.o.nodeId,
      aud: s.partner,
      stream: current.stream,
      seq: current.head_seq + 1,
      prev: current.head_hash,
      iat,
      kind,
      agreement: agreement && this.registered(s.partner) ? { reference: agreement.reference, version: agreement.version } : null,
      ...member,
    };
    const canonical = canonicalString(payload);
    const bytes = Buffer.from(canonical, 'utf8');
    const hash = sha256(bytes);
    const jws = this.signer().sign(bytes, 'entente-release+jws');
    const row: ReleaseRow = {
      stream: current.stream,
      seq: payload.seq,
      partner: s.partner,
      kind,
      iat,
      hash,
      jws,
      record_id: meta.recordId ?? null,
      record_version: meta.version ?? null,
      pub_seq: meta.pubSeq ?? null,
      created_at: this.iso(),
    };
    this.store.exchange.insertRelease(row);
    this.store.exchange.updateOutStream(s.partner, { head_seq: payload.seq, head_hash: hash, head_iat: iat });
    return row;
  }

  /** Appends a statement carrying the current agreement (statement form). */
  appendStatement(partner: string, extra: { keys?: unknown; tlsSpkiSha256?: string[] } = {}): ReleaseRow {
    const s = this.store.exchange.outStream(partner)!;
    const agreement = this.registered(partner) ? this.agreements.current(partner) : null;
    const statement: Record<string, Json> = { agreement };
    const checkpoint = this.audit.latestCheckpoint();
    if (checkpoint) statement.checkpoint = { seq: checkpoint.seq, hash: checkpoint.hash };
    const ann = this.announcements();
    const keys = [...((extra.keys as { keys?: unknown[] } | undefined)?.keys ?? []), ...(ann.keys ?? [])];
    const pins = [...(extra.tlsSpkiSha256 ?? []), ...(ann.pins ?? [])];
    if (keys.length) statement.keys = { keys } as Json;
    if (pins.length) statement.tlsSpkiSha256 = [...new Set(pins)].slice(0, 3);
    const row = this.append(s, 'statement', { statement });
    this.onStatement?.(partner, row.stream, row.seq);
    this.store.exchange.updateOutStream(partner, {
      stmt_agreement_rev: this.agreements.currentRev(partner),
      stmt_valid_state: this.validityState(agreement),
      stmt_iat: row.iat,
    });
    this.audit.append({ action: 'release.statement', actor: 'system', subject: partner, details: { stream: row.stream, seq: row.seq, agreement: agreement ? { reference: agreement.reference, version: agreement.version } : null } });
    return row;
  }

  /** Appends a consultation message to a partner's stream. Inside a transaction. */
  appendConsultation(partner: string, message: Record<string, Json>): ReleaseRow {
    const s = this.store.exchange.outStream(partner);
    if (!s) throw new AppError('conflict', 'no stream to that partner');
    const row = this.append(s, 'consultation', { consultation: message });
    this.audit.append({ action: 'release.consultation', actor: 'system', subject: partner, details: { stream: row.stream, seq: row.seq, id: message.id, type: message.type } });
    return row;
  }

  /**
   * Sender-side checks 5–14 of a record release before it is materialised. A version released
   * unredacted is the version validated in full at publication, so only its size is checked again.
   */
  private preflight(d: Extract<Decision, { action: 'release' }>, canonicalRecordBytes: number): string | null {
    if (d.redacted.length > 0) {
      const verdict = checkReleasedRecord(d.record, d.redacted, (n) => (n === this.o.nodeId ? this.o.country : undefined));
      if (verdict.reason) return verdict.reason;
    }
    if (canonicalRecordBytes + 2048 > this.o.maxReleaseBytes) return `size:${canonicalRecordBytes}`;
    return null;
  }

  private releaseRecord(s: OutStreamRow, pub: { id: string; version: number; pubSeq: number | null; type: RecordType; bytes: number; body?: string }, d: Extract<Decision, { action: 'release' }>): boolean {
    const problem = this.preflight(d, pub.bytes);
    if (problem) {
      this.alarms.alarm(s.partner, 'unshareable-version', `${pub.id} v${pub.version} was not released: ${problem}`);
      return false;
    }
    // released whole: the stored canonical text goes into the payload as it is, not serialised again
    const record = d.redacted.length === 0 && pub.body !== undefined ? new CanonicalText(pub.body) : d.record;
    const row = this.append(s, 'record', { record, redacted: d.redacted }, { recordId: pub.id, version: pub.version, ...(pub.pubSeq !== null ? { pubSeq: pub.pubSeq } : {}) });
    this.store.exchange.setHolding(s.partner, pub.id, pub.version, false);
    this.store.exchange.dropEmbargo(s.partner, pub.id);
    this.audit.append({ action: 'release.record', actor: 'system', subject: s.partner, details: { stream: row.stream, seq: row.seq, id: pub.id, version: pub.version, redacted: d.redacted } });
    return true;
  }

  private releaseTombstone(s: OutStreamRow, ref: { id: string; version: number }, pubSeq: number | null): void {
    const row = this.append(s, 'tombstone', { tombstone: { ref, reason: 'recalled' } }, { recordId: ref.id, version: ref.version, ...(pubSeq !== null ? { pubSeq } : {}) });
    this.store.exchange.setHolding(s.partner, ref.id, ref.version, true);
    this.audit.append({ action: 'release.tombstone', actor: 'system', subject: s.partner, details: { stream: row.stream, seq: row.seq, ref } });
  }

  /** Decides one version for one partner (pure policy over the stored state). */
  decideFor(partner: string, pub: { id: string; type: RecordType; record: Record<string, Json> }): Decision {
    const h = this.store.exchange.holding(partner, pub.id);
    const first = this.store.exchange.firstPublication(pub.id);
    return decide({
      agreement: this.agreements.current(partner),
      registered: this.registered(partner),
      type: pub.type,
      record: pub.record,
      holding: h ? { version: h.version, recalled: h.recalled === 1 } : {},
      firstPublishedAt: first ? Date.parse(first.published_at) : this.clock.now(),
      now: this.clock.now(),
    });
  }

  /** Applies a decision for a publication to a partner's stream. Inside a transaction. */
  /** `body`, when given, is the version's stored canonical text (what `record` was parsed from). */
  private materialiseVersion(s: OutStreamRow, pub: { id: string; version: number; type: RecordType; record: Record<string, Json>; pubSeq: number | null; body?: string }): boolean {
    const h = this.store.exchange.holding(s.partner, pub.id);
    if (h && !h.recalled && h.version >= pub.version) return false;
    const d = this.decideFor(s.partner, pub);
    if (d.action === 'release') {
      if (d.notBefore !== undefined) {
        this.store.exchange.addEmbargo(s.partner, pub.id, Math.ceil(d.notBefore / 1000));
        return false;
      }
      return this.releaseRecord(s, { ...pub, bytes: Buffer.byteLength(pub.body ?? JSON.stringify(pub.record)) }, d);
    }
    if (d.action === 'tombstone') {
      this.releaseTombstone(s, d.ref, pub.pubSeq);
      return true;
    }
    return false;
  }

  // ---------- lifecycle hooks

  /** A partner was registered (or re-added): create its stream with a statement at seq 1, or resume. */
  onRegistered(partner: string, agreementChanged: boolean): void {
    const s = this.store.exchange.outStream(partner);
    if (!s) {
      this.store.exchange.createOutStream(partner, randomId(16), this.iso());
      this.store.exchange.updateOutStream(partner, { mat_cursor: this.store.exchange.lastPubSeq() });
      this.appendStatement(partner);
      this.startBackfill(partner);
      this.audit.append({ action: 'stream.create', actor: 'system', subject: partner, details: { stream: this.store.exchange.outStream(partner)!.stream } });
      return;
    }
    // re-added (or updated): a statement when the agreement changed or the partner came back
    if (agreementChanged || s.stmt_agreement_rev !== this.agreements.currentRev(partner) || s.stmt_valid_state !== this.validityState(this.agreements.current(partner))) {
      this.appendStatement(partner);
      this.startBackfill(partner);
    }
    this.store.exchange.updateOutStream(partner, { blocked: null });
  }

  onRemoved(partner: string): void {
    if (this.store.exchange.outStream(partner)) this.appendStatement(partner);
  }

  /** After an agreement change: a statement before any release under it, then backfill. */
  onAgreementChanged(partner: string): void {
    if (!this.store.exchange.outStream(partner)) return;
    this.appendStatement(partner);
    this.startBackfill(partner);
  }

  private startBackfill(partner: string): void {
    const a = this.agreements.current(partner);
    if (!a || !a.share.backfill || this.validityState(a) !== 'in' || !this.registered(partner)) return;
    const s = this.store.exchange.outStream(partner)!;
    this.store.exchange.updateOutStream(partner, { backfill_next: 0, backfill_until: s.mat_cursor });
  }

  /** Publication hook (inside the publication transaction): materialise for partners within W. */
  onPublished(v: PublishedVersion): string[] {
    const touched: string[] = [];
    for (const s of this.store.exchange.outStreams()) {
      if (s.mat_cursor !== v.pubSeq - 1) continue;
      if (s.head_seq - s.receipt_upto >= this.o.window) continue;
      if (!this.registered(s.partner)) {
        this.store.exchange.updateOutStream(s.partner, { mat_cursor: v.pubSeq });
        continue;
      }
      const appended = this.materialiseVersion(s, { id: v.id, version: v.version, type: v.type, record: v.record, pubSeq: v.pubSeq });
      this.store.exchange.updateOutStream(s.partner, { mat_cursor: v.pubSeq });
      if (appended) touched.push(s.partner);
    }
    return touched;
  }

  afterPublished(partners: string[]): void {
    this.notify(partners);
  }

  /**
   * Brings a partner's stream up to date: statements for validity changes and idleness, due
   * embargoes, a backfill chunk, and publications after the cursor, until `targetSeq` releases exist
   * or nothing is left. One transaction per call.
   */
  materialise(partner: string, targetSeq = Number.MAX_SAFE_INTEGER, budget = PUBLICATION_BATCH): number {
    let appended = 0;
    this.store.tx(() => {
      const s0 = this.store.exchange.outStream(partner);
      if (!s0) return;
      const before = s0.head_seq;
      const a = this.agreements.current(partner);
      const state = this.validityState(a);
      if (s0.stmt_valid_state !== state && this.registered(partner)) {
        this.appendStatement(partner);
        if (state === 'in') this.startBackfill(partner);
      } else if (this.registered(partner) && this.nowSec() - Math.max(s0.stmt_iat, s0.head_iat) >= this.o.statementIdleHours * 3600) {
        this.appendStatement(partner);
      }
      let work = budget;
      // due embargoes: only the then-current version goes, nothing if it is terminal
      for (const e of this.store.exchange.dueEmbargoes(partner, this.nowSec())) {
        if (work-- <= 0) break;
        const pub = this.store.exchange.currentPublication(e.record_id);
        this.store.exchange.dropEmbargo(partner, e.record_id);
        if (!pub) continue;
        const record = JSON.parse(pub.body) as Record<string, Json>;
        if (isTerminal(pub.type, record.status)) continue;
        const s = this.store.exchange.outStream(partner)!;
        this.materialiseVersion(s, { id: pub.id, version: pub.version, type: pub.type, record, pubSeq: pub.pub_seq, body: pub.body });
      }
      // backfill in chunks, after the statement: the records the partner does not hold yet (those it
      // holds are left out by the query, however many)
      let s = this.store.exchange.outStream(partner)!;
      while (s.backfill_next !== null && s.backfill_until !== null && s.head_seq < targetSeq && work > 0) {
        const until = s.backfill_until;
        const limit = this.o.backfillChunk ?? 200;
        const chunk = this.store.exchange.backfillCandidates(partner, s.backfill_next, until, limit);
        let last = s.backfill_next;
        let stopped = false;
        for (const pub of chunk) {
          if (work <= 0 || this.store.exchange.outStream(partner)!.head_seq >= targetSeq) {
            stopped = true;
            break;
          }
          work--;
          last = pub.pub_seq;
          const record = JSON.parse(pub.body) as Record<string, Json>;
          if (this.materialiseVersion(this.store.exchange.outStream(partner)!, { id: pub.id, version: pub.version, type: pub.type, record, pubSeq: pub.pub_seq, body: pub.body })) crashPoint('backfill.mid');
        }
        const done = !stopped && chunk.length < limit;
        this.store.exchange.updateOutStream(partner, done ? { backfill_next: null, backfill_until: null } : { backfill_next: last });
        if (done) this.audit.append({ action: 'stream.backfill-done', actor: 'system', subject: partner, details: { until } });
        s = this.store.exchange.outStream(partner)!;
      }
      // publications after the cursor, in order
      s = this.store.exchange.outStream(partner)!;
      while (work > 0 && s.head_seq < targetSeq) {
        const pubs = this.store.exchange.publicationsAfter(s.mat_cursor, Math.min(work, 100));
        if (pubs.length === 0) break;
        for (const pub of pubs) {
          work--;
          crashPoint('materialise.mid');
          if (this.registered(partner)) {
            const record = JSON.parse(pub.body) as Record<string, Json>;
            this.materialiseVersion(this.store.exchange.outStream(partner)!, { id: pub.id, version: pub.version, type: pub.type, record, pubSeq: pub.pub_seq, body: pub.body });
          }
          this.store.exchange.updateOutStream(partner, { mat_cursor: pub.pub_seq });
          s = this.store.exchange.outStream(partner)!;
          if (s.head_seq >= targetSeq) break;
        }
      }
      appended = this.store.exchange.outStream(partner)!.head_seq - before;
    });
    return appended;
  }

  /** Whether more could be materialised for a partner right now. */
  pending(partner: string): boolean {
    const s = this.store.exchange.outStream(partner);
    if (!s) return false;
    return s.mat_cursor < this.store.exchange.lastPubSeq() || s.backfill_next !== null || this.store.exchange.dueEmbargoes(partner, this.nowSec()).length > 0;
  }

  // ---------- reading the stream (feed, pusher)

  /** Releases after `after`, at most `limit` items and `maxBytes` of JWS text, materialising as needed. */
  page(partner: string, after: number, limit: number, maxBytes = this.o.maxBatchBytes): { stream: string; items: ReleaseRow[]; more: boolean; head: { seq: number; hash: string } } {
    let s = this.store.exchange.outStream(partner);
    if (!s) throw new AppError('forbidden', '');
    if (s.head_seq < after + limit && this.pending(partner)) {
      this.materialise(partner, after + limit);
      s = this.store.exchange.outStream(partner)!;
    }
    const rows = this.store.exchange.releasesAfter(s.stream, after, limit + 1);
    const items: ReleaseRow[] = [];
    let bytes = 0;
    for (const r of rows.slice(0, limit)) {
      if (items.length > 0 && bytes + r.jws.length + 3 > maxBytes) break;
      bytes += r.jws.length + 3;
      items.push(r);
    }
    const more = rows.length > items.length || this.pending(partner);
    return { stream: s.stream, items, more, head: { seq: s.head_seq, hash: s.head_hash } };
  }

  // ---------- operator stream operations

  /** `entente stream reset`: a new stream, statement at seq 1, holdings emptied, backfill per the agreement. */
  reset(partner: string, actor: string): { stream: string } {
    this.agreements.requireKnownPartner(partner);
    let stream = '';
    this.store.tx(() => {
      const old = this.store.exchange.outStream(partner);
      stream = randomId(16);
      this.store.exchange.createOutStream(partner, stream, this.iso());
      this.store.exchange.clearHoldings(partner);
      this.store.exchange.updateOutStream(partner, { mat_cursor: this.store.exchange.lastPubSeq() });
      this.appendStatement(partner);
      this.startBackfill(partner);
      this.audit.append({ action: 'stream.reset', actor, subject: partner, details: { old: old?.stream ?? null, stream } });
    });
    this.notify([partner]);
    return { stream };
  }

  /**
   * `entente stream re-anchor`: after this node was restored from a backup, continue at the
   * receiver's expected seq with prev = its receipt head, recording the gap with that receipt as evidence.
   */
  reanchor(partner: string, evidence: { expectedSeq: number; head: string; receipt: string }, actor: string): void {
    this.store.tx(() => {
      const s = this.store.exchange.outStream(partner);
      if (!s) throw new AppError('not-found', 'no stream to that partner');
      if (evidence.expectedSeq - 1 <= s.head_seq) throw new AppError('conflict', 'the partner is not ahead of this node: nothing to re-anchor');
      // releases materialised after the restore, at seqs the partner already holds with other
      // content, never reached it: forget those holdings and materialise their records again
      const superseded = this.store.exchange.releasesAfter(s.stream, s.receipt_upto, 100_000).filter((r) => r.record_id !== null);
      for (const r of superseded) this.store.exchange.dropHolding(partner, r.record_id!);
      const rewind = superseded.reduce((m, r) => (r.pub_seq !== null ? Math.min(m, r.pub_seq - 1) : m), s.mat_cursor);
      this.store.exchange.updateOutStream(partner, {
        head_seq: evidence.expectedSeq - 1, head_hash: evidence.head, receipt_upto: evidence.expectedSeq - 1, push_next: evidence.expectedSeq, blocked: null, mat_cursor: rewind,
      });
      this.audit.append({ action: 'stream.re-anchor', actor, subject: partner, details: { stream: s.stream, gapFrom: s.receipt_upto + 1, gapTo: evidence.expectedSeq - 1, rematerialised: superseded.length, receipt: evidence.receipt } });
      this.appendStatement(partner);
    });
    this.notify([partner]);
  }
}
