// Appending to an outbound stream (docs/protocol.md §6.3–§6.5): every release is signed over its
// canonical payload, chained to the previous one by hash, and written with the stream head in the
// caller's transaction. The policy decision for each version is taken here, from the stored state.
import { CanonicalText, canonicalString } from '../../crypto/canonical.js';
import { randomId, sha256 } from '../../crypto/digest.js';
import type { AuditService } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import type { NodeIdentity } from '../../core/identity.js';
import type { AgreementStatement } from '../../domain/agreement-rules.js';
import { AppError } from '../../domain/errors.js';
import { checkReleasedRecord } from '../../domain/released-record.js';
import type { RecordType } from '../../domain/redaction.js';
import type { Json } from '../../domain/validation.js';
import { decide, type Decision } from '../../policy/decide.js';
import type { ExchangeStore, OutStreamRow, ReleaseRow } from '../../store/exchange.js';
import type { AgreementService } from '../agreements.js';
import type { AlarmSink } from '../alarms.js';

export interface OutboundOptions {
  nodeId: string;
  country: string;
  /** Releases materialised ahead of the partner's receipts at publication (W). */
  window: number;
  maxReleaseBytes: number;
  maxBatchBytes: number;
  statementIdleHours: number;
  backfillChunk?: number;
}

export interface OutboundDeps {
  store: ExchangeStore;
  audit: AuditService;
  clock: Clock;
  identity: NodeIdentity;
  agreements: AgreementService;
  alarms: AlarmSink;
  /** Whether 1.1 members and kinds may go to a partner (docs/protocol.md §14.1). */
  versions: { speaks11(partner: string): boolean };
  options: OutboundOptions;
}

/** The alert level of a version (docs/protocol.md §14.2), or null. */
export function alertLevel(record: Record<string, Json>): 'PRIORITY' | 'FLASH' | null {
  const a = record.alert as { level?: unknown } | undefined;
  return a?.level === 'FLASH' || a?.level === 'PRIORITY' ? a.level : null;
}

export type ValidityState = 'none' | 'before' | 'in' | 'after';

/** One version of an own record, as materialisation sees it. */
export interface Publication {
  id: string;
  version: number;
  type: RecordType;
  record: Record<string, Json>;
  pubSeq: number | null;
  /** The version's stored canonical text (what `record` was parsed from), when at hand. */
  body?: string;
}

type Release = Extract<Decision, { action: 'release' }>;

function withoutAlert(record: Record<string, Json>): Record<string, Json> {
  const copy = { ...record };
  delete copy.alert;
  return copy;
}

export class StreamWriter {
  constructor(private readonly d: OutboundDeps) {}

  nowSec(): number {
    return Math.floor(this.d.clock.now() / 1000);
  }

  iso(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  validityState(a: AgreementStatement | null): ValidityState {
    if (!a) return 'none';
    const today = new Date(this.d.clock.now()).toISOString().slice(0, 10);
    if (today < a.validFrom) return 'before';
    if (today > a.validUntil) return 'after';
    return 'in';
  }

  registered(partner: string): boolean {
    return this.d.store.partners.isActive(partner);
  }

  /** A new stream to a partner: created at the end of the publications, statement at seq 1. */
  create(partner: string): string {
    const stream = randomId(16);
    this.d.store.exchange.createOutStream(partner, stream, this.iso());
    this.d.store.exchange.updateOutStream(partner, { mat_cursor: this.d.store.exchange.lastPubSeq() });
    return stream;
  }

  /** Appends one signed release to a partner's stream. Inside a transaction. */
  private append(
    partner: string,
    kind: string,
    member: Record<string, Json>, // Json or CanonicalText (a stored record's canonical text)
    meta: { recordId?: string; version?: number; pubSeq?: number } = {},
  ): ReleaseRow {
    const x = this.d.store.exchange;
    const current = x.outStream(partner)!;
    const agreementRow = x.latestAgreement(partner);
    const agreement = agreementRow?.body ? (JSON.parse(agreementRow.body) as AgreementStatement) : null;
    const iat = Math.max(this.nowSec(), current.head_iat);
    const payload = {
      iss: this.d.options.nodeId,
      aud: partner,
      stream: current.stream,
      seq: current.head_seq + 1,
      prev: current.head_hash,
      iat,
      kind,
      agreement:
        agreement && this.registered(partner) ? { reference: agreement.reference, version: agreement.version } : null,
      ...member,
    };
    const bytes = Buffer.from(canonicalString(payload), 'utf8');
    const hash = sha256(bytes);
    const jws = this.d.identity.signer.sign(bytes, 'entente-release+jws');
    const row: ReleaseRow = {
      stream: current.stream,
      seq: payload.seq,
      partner,
      kind,
      iat,
      hash,
      jws,
      record_id: meta.recordId ?? null,
      record_version: meta.version ?? null,
      pub_seq: meta.pubSeq ?? null,
      created_at: this.iso(),
    };
    x.insertRelease(row);
    x.updateOutStream(partner, { head_seq: payload.seq, head_hash: hash, head_iat: iat });
    return row;
  }

  /** Appends a statement carrying the current agreement and the keys being rotated in (§3.5, §6.4). */
  appendStatement(partner: string): ReleaseRow {
    const agreement = this.registered(partner) ? this.d.agreements.current(partner) : null;
    const statement: Record<string, Json> = { agreement };
    const checkpoint = this.d.audit.latestCheckpoint();
    if (checkpoint) statement.checkpoint = { seq: checkpoint.seq, hash: checkpoint.hash };
    const ann = this.d.identity.announcements();
    if (ann.keys.length) statement.keys = { keys: ann.keys };
    if (ann.pins.length) statement.tlsSpkiSha256 = [...new Set(ann.pins)].slice(0, 3);
    const row = this.append(partner, 'statement', { statement });
    // the evidence a rotation waits on: which statement announced which key
    for (const p of ann.pending) this.d.store.exchange.recordAnnouncement(p.id, partner, row.stream, row.seq, p.kind);
    this.d.store.exchange.updateOutStream(partner, {
      stmt_agreement_rev: this.d.agreements.currentRev(partner),
      stmt_valid_state: this.validityState(agreement),
      stmt_iat: row.iat,
    });
    const ref = agreement ? { reference: agreement.reference, version: agreement.version } : null;
    this.d.audit.append({
      action: 'release.statement',
      actor: 'system',
      subject: partner,
      details: { stream: row.stream, seq: row.seq, agreement: ref },
    });
    return row;
  }

  /** Appends a consultation message. Inside a transaction. */
  appendConsultation(partner: string, message: Record<string, Json>): ReleaseRow {
    if (!this.d.store.exchange.outStream(partner)) throw new AppError('conflict', 'no stream to that partner');
    const row = this.append(partner, 'consultation', { consultation: message });
    this.d.audit.append({
      action: 'release.consultation',
      actor: 'system',
      subject: partner,
      details: { stream: row.stream, seq: row.seq, id: message.id, type: message.type },
    });
    return row;
  }

  /**
   * An acknowledgement of a partner's alert version (kind `ack`, entente/1.1), to its originator.
   * Inside a transaction; the caller checked that the partner speaks 1.1.
   */
  appendAck(partner: string, ack: Record<string, Json>): ReleaseRow {
    if (!this.d.store.exchange.outStream(partner)) throw new AppError('conflict', 'no stream to that partner');
    const row = this.append(partner, 'ack', { ack });
    this.d.audit.append({
      action: 'release.ack',
      actor: 'system',
      subject: partner,
      details: { stream: row.stream, seq: row.seq, ref: ack.ref, state: ack.state },
    });
    return row;
  }

  /**
   * Sender-side checks 5–14 of a record release before it is materialised. A version released
   * unredacted is the version validated in full at publication, so only its size is checked again.
   */
  private preflight(d: Release, canonicalRecordBytes: number): string | null {
    const o = this.d.options;
    if (d.redacted.length > 0) {
      const verdict = checkReleasedRecord(d.record, d.redacted, (n) => (n === o.nodeId ? o.country : undefined));
      if (verdict.reason) return verdict.reason;
    }
    if (canonicalRecordBytes + 2048 > o.maxReleaseBytes) return `size:${canonicalRecordBytes}`;
    return null;
  }

  private releaseRecord(partner: string, pub: Publication & { bytes: number }, d: Release): boolean {
    const problem = this.preflight(d, pub.bytes);
    if (problem) {
      this.d.alarms.alarm(partner, 'unshareable-version', `${pub.id} v${pub.version} was not released: ${problem}`);
      return false;
    }
    // towards a 1.0 partner the alert is removed, not listed in `redacted` (docs/protocol.md §14.2)
    const strip = d.record.alert !== undefined && !this.d.versions.speaks11(partner);
    const view = strip ? withoutAlert(d.record) : d.record;
    // released whole: the stored canonical text goes into the payload as it is, not serialised again
    const record = d.redacted.length === 0 && pub.body !== undefined && !strip ? new CanonicalText(pub.body) : view;
    const meta = { recordId: pub.id, version: pub.version, ...(pub.pubSeq !== null ? { pubSeq: pub.pubSeq } : {}) };
    const row = this.append(partner, 'record', { record, redacted: d.redacted }, meta);
    this.d.store.exchange.setHolding(partner, pub.id, pub.version, false);
    this.d.store.exchange.dropEmbargo(partner, pub.id);
    this.d.audit.append({
      action: 'release.record',
      actor: 'system',
      subject: partner,
      details: {
        stream: row.stream,
        seq: row.seq,
        id: pub.id,
        version: pub.version,
        redacted: d.redacted,
        ...(d.record.alert !== undefined ? { alert: strip ? 'removed (1.0 partner)' : alertLevel(d.record) } : {}),
      },
    });
    return true;
  }

  private releaseTombstone(partner: string, ref: { id: string; version: number }, pubSeq: number | null): void {
    const meta = { recordId: ref.id, version: ref.version, ...(pubSeq !== null ? { pubSeq } : {}) };
    const row = this.append(partner, 'tombstone', { tombstone: { ref, reason: 'recalled' } }, meta);
    this.d.store.exchange.setHolding(partner, ref.id, ref.version, true);
    this.d.audit.append({
      action: 'release.tombstone',
      actor: 'system',
      subject: partner,
      details: { stream: row.stream, seq: row.seq, ref },
    });
  }

  /** Decides one version for one partner (pure policy over the stored state). */
  decideFor(partner: string, pub: { id: string; type: RecordType; record: Record<string, Json> }): Decision {
    const h = this.d.store.exchange.holding(partner, pub.id);
    const first = this.d.store.exchange.firstPublication(pub.id);
    const now = this.d.clock.now();
    return decide({
      agreement: this.d.agreements.current(partner),
      registered: this.registered(partner),
      type: pub.type,
      record: pub.record,
      holding: h ? { version: h.version, recalled: h.recalled === 1 } : {},
      firstPublishedAt: first ? Date.parse(first.published_at) : now,
      now,
    });
  }

  /** Applies the decision for a publication to a partner's stream; whether a release was appended. */
  materialiseVersion(partner: string, pub: Publication): boolean {
    const h = this.d.store.exchange.holding(partner, pub.id);
    if (h && !h.recalled && h.version >= pub.version) return false;
    const d = this.decideFor(partner, pub);
    if (d.action === 'release') {
      // a FLASH version ignores the embargo; decide() is unchanged (docs/protocol.md §14.2)
      if (d.notBefore !== undefined && alertLevel(pub.record) !== 'FLASH') {
        this.d.store.exchange.addEmbargo(partner, pub.id, Math.ceil(d.notBefore / 1000));
        return false;
      }
      return this.releaseRecord(
        partner,
        { ...pub, bytes: Buffer.byteLength(pub.body ?? JSON.stringify(pub.record)) },
        d,
      );
    }
    if (d.action === 'tombstone') {
      this.releaseTombstone(partner, d.ref, pub.pubSeq);
      return true;
    }
    return false;
  }

  /** Backfill from the start of the publications, when the agreement asks for it and is in force. */
  startBackfill(partner: string): void {
    const a = this.d.agreements.current(partner);
    if (!a || !a.share.backfill || this.validityState(a) !== 'in' || !this.registered(partner)) return;
    const s = this.d.store.exchange.outStream(partner)!;
    this.d.store.exchange.updateOutStream(partner, { backfill_next: 0, backfill_until: s.mat_cursor });
  }

  /** The current stream row (it exists: callers checked). */
  stream(partner: string): OutStreamRow {
    return this.d.store.exchange.outStream(partner)!;
  }
}
