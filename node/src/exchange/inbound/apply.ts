// Checks 12–15 of docs/protocol.md §6.7 and the effect of each verified release, inside the batch
// transaction: records (held versions, equivocation, views), tombstones, statements (agreements and
// announced keys) and consultations. A release that fails here is quarantined, not refused.
import { memberText } from '../../crypto/canonical.js';
import { sha256 } from '../../crypto/digest.js';
import type { PublicJwk } from '../../crypto/keys.js';
import type { AuditService } from '../../core/audit.js';
import type { Clock } from '../../core/clock.js';
import { validateAgreement } from '../../domain/agreement-rules.js';
import { crossVersionViolations, type VersionView as CrossVersionView } from '../../domain/cross-version.js';
import { recordTypeOfId } from '../../domain/record-rules.js';
import type { RecordType } from '../../domain/redaction.js';
import { checkReleasedRecord } from '../../domain/released-record.js';
import { isObject, type Json } from '../../domain/validation.js';
import type { ExchangeStore } from '../../store/exchange.js';
import type { AlarmSink } from '../alarms.js';
import { announcedKeyProblem } from '../partners.js';
import type { AckRelease, ConsultationRelease, RecordRelease, StatementRelease, TombstoneRelease } from '../wire.js';
import { KNOWN_KINDS, type Verified } from './checks.js';

/** A received version as the records it lands in keep it. */
export interface ReceivedVersion {
  id: string;
  version: number;
  view: number;
  type: RecordType;
  origin: string;
  status: string;
  body: string;
  digest: string;
  redacted: string;
  agreement: string;
  stream: string;
  seq: number;
  updated_at: string;
  stored_at: string;
}

/** The records received versions land in (the record service owns them). */
export interface ReceivedRecords {
  held(id: string): { version: number; origin: string } | undefined;
  heldVersion(
    id: string,
    version: number,
  ): { digest: string; stream: string | null; view: number; updated_at: string } | undefined;
  /** A version that becomes the record's current one (`previous`: the current state read before, if known). */
  storeCurrent(v: ReceivedVersion, record: Record<string, Json>, previous?: { version: number } | null): void;
  /** A version kept as evidence without becoming current. */
  keep(v: ReceivedVersion): void;
  /** The version held now (to check the next one against it). */
  currentVersion(id: string): { version: number; body: string; redacted: string | null } | undefined;
  /** A cross-version finding that labels the record until an analyst reviews it. */
  addReview(id: string, finding: unknown): void;
  recall(id: string): void;
}

/** Consultation handling plugs in here (docs/records.md §9); check returns a quarantine reason or null. */
export interface ConsultationSink {
  check(peer: string, payload: ConsultationRelease): string | null;
  apply(peer: string, payload: ConsultationRelease): void;
}

/** Partner keys and pins a statement announces (docs/protocol.md §3.5). */
export interface Announced {
  addAnnounced(nodeId: string, keys: PublicJwk[], pins: string[]): { keys: string[]; pins: string[] };
}

/**
 * A quarantine reason as the receipt carries it (receipt-payload.schema.json: at most 300 code
 * points, no control characters). A reason can quote the partner's own text (`schema:<pointer>`
 * names a member it sent), and a receipt outside its schema would be refused by the sender.
 */
export function receiptReason(reason: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  const clean = reason.replace(/[\u0000-\u001F\u007F]/g, '?');
  const points = Array.from(clean);
  return points.length <= 300 ? clean : points.slice(0, 299).join('') + '…';
}

/** Alerts and acknowledgements, entente/1.1 (docs/protocol.md §14), in the batch transaction. */
export interface AlertSink {
  /** A newer version of a partner's record became current (it may carry an alert). */
  versionApplied(peer: string, record: Record<string, Json>): void;
  /** An `ack` release: null when kept, else the quarantine reason. */
  ackArrived(
    peer: string,
    ack: AckRelease['ack'],
    release: { stream: string; seq: number; iat: number },
  ): string | null;
}

export interface ApplyDeps {
  store: ExchangeStore;
  audit: AuditService;
  clock: Clock;
  alarms: AlarmSink;
  records: ReceivedRecords;
  consultations: ConsultationSink;
  partners: Announced;
  alerts: AlertSink;
  /** The highest minor version this node speaks: a 1.0 node quarantines 1.1 members and kinds. */
  maxMinor: number;
  nodeId: string;
  countryOf: (nodeId: string) => string | undefined;
}

export interface Outcome {
  kind: 'accepted' | 'rejected' | 'duplicate';
  reason?: string;
}

export class Applier {
  constructor(private readonly d: ApplyDeps) {}

  /** Checks 12–15 and the effect of one release. Inside the batch transaction. */
  apply(peer: string, v: Verified, stream: string, onNewStream: boolean): Outcome {
    const p = v.payload;
    if (!KNOWN_KINDS.has(p.kind)) return { kind: 'rejected', reason: 'unknown-kind' };
    switch (p.kind) {
      case 'record':
        return this.record(peer, v, stream, onNewStream);
      case 'tombstone': {
        const ref = (p as TombstoneRelease).tombstone.ref;
        const held = this.d.records.held(ref.id);
        if (held && held.origin === peer) this.d.records.recall(ref.id);
        const details = { version: ref.version, held: !!held };
        this.d.audit.append({ action: 'ingest.tombstone', actor: `partner:${peer}`, subject: ref.id, details });
        return { kind: 'accepted' };
      }
      case 'statement':
        return this.statement(peer, v, stream);
      case 'ack': {
        // a 1.0 node does not know the kind (docs/protocol.md §14.3)
        if (this.d.maxMinor < 1) return { kind: 'rejected', reason: 'unknown-kind' };
        const a = p as AckRelease;
        const problem = this.d.alerts.ackArrived(peer, a.ack, { stream, seq: a.seq, iat: a.iat });
        return problem ? { kind: 'rejected', reason: problem } : { kind: 'accepted' };
      }
      case 'consultation': {
        const c = p as ConsultationRelease;
        const problem = this.d.consultations.check(peer, c);
        if (problem) return { kind: 'rejected', reason: problem };
        this.d.consultations.apply(peer, c);
        return { kind: 'accepted' };
      }
      default:
        return { kind: 'rejected', reason: 'unknown-kind' };
    }
  }

  private record(peer: string, v: Verified, stream: string, onNewStream: boolean): Outcome {
    const p = v.payload as RecordRelease & { record: Record<string, Json> };
    const record = p.record;
    const redacted = p.redacted;
    // a 1.0 node's closed record schema has no alert member (docs/protocol.md §14.2)
    if (this.d.maxMinor < 1 && record.alert !== undefined) return { kind: 'rejected', reason: 'schema:/alert' };
    const verdict = checkReleasedRecord(record, redacted, this.d.countryOf, true);
    if (verdict.reason) return { kind: 'rejected', reason: verdict.reason };
    const id = record.id as string;
    const type = recordTypeOfId(id)!;
    // the payload is canonical, so the record's canonical text is its substring there
    const body = memberText(v.text, 'record') ?? JSON.stringify(record);
    const digest = sha256(body);
    const held = this.d.records.held(id);
    const version = record.version as number;
    const row: ReceivedVersion = {
      id,
      version,
      view: 1,
      type,
      origin: peer,
      status: String(record.status),
      body,
      digest,
      redacted: JSON.stringify(redacted),
      agreement: JSON.stringify(p.agreement),
      stream,
      seq: p.seq,
      updated_at: String(record.updatedAt),
      stored_at: new Date(this.d.clock.now()).toISOString(),
    };
    if (held && held.origin !== peer) return { kind: 'rejected', reason: 'not-originator' };
    if (!held || version > held.version) {
      const heldVersion = held ? this.d.records.currentVersion(id) : undefined;
      this.d.records.storeCurrent(row, record, held ?? null);
      if (heldVersion) this.checkCrossVersion(peer, type, heldVersion, { version, record, redacted });
      this.d.alerts.versionApplied(peer, record);
      return { kind: 'accepted' };
    }
    const existing = this.d.records.heldVersion(id, version);
    if (version < held.version) {
      if (!existing) this.d.records.keep(row);
      return { kind: 'rejected', reason: 'version-older' };
    }
    if (existing && existing.digest === digest) return { kind: 'duplicate' };
    // equal version, other digest
    const st = this.d.store.exchange.inStream(peer)!;
    const replace =
      onNewStream ||
      (existing !== undefined && existing.stream !== stream) ||
      (st.rollback_seen_at !== null && String(record.updatedAt) > String(existing?.updated_at ?? ''));
    if (replace) {
      this.d.records.storeCurrent({ ...row, view: (existing?.view ?? 0) + 1 }, record);
      const details = { version, old: existing?.digest, new: digest, stream };
      this.d.audit.append({ action: 'ingest.replace-view', actor: `partner:${peer}`, subject: id, details });
      return { kind: 'accepted' };
    }
    this.d.alarms.alarm(
      peer,
      'equivocation',
      `${id} v${version} arrived with another digest; the first is kept, both JWS are evidence`,
    );
    return { kind: 'rejected', reason: 'equivocation' };
  }

  /**
   * Cross-version rules against the version held (docs/protocol.md, Ingest: they bind the originator;
   * a receiver that holds the predecessor applies the version and alarms): an alarm naming the record
   * and the rules, and a review entry that labels the record until an analyst marks it reviewed.
   */
  private checkCrossVersion(
    peer: string,
    type: RecordType,
    held: { version: number; body: string; redacted: string | null },
    next: CrossVersionView,
  ): void {
    const previous = {
      version: held.version,
      record: JSON.parse(held.body) as Record<string, Json>,
      redacted: JSON.parse(held.redacted ?? '[]') as string[],
    };
    const violations = crossVersionViolations(type, previous, next);
    if (violations.length === 0) return;
    const at = new Date(this.d.clock.now()).toISOString();
    const id = next.record.id as string;
    this.d.records.addReview(id, { version: next.version, heldVersion: held.version, violations, at });
    const rules = violations.map((v) => `${v.rule} ${v.pointer}`).join(', ');
    this.d.alarms.alarm(
      peer,
      'cross-version',
      `${id} v${next.version} breaks cross-version rules against v${held.version} held (${rules}): applied, ` +
        `labelled for review; ${violations[0]!.message}`,
    );
  }

  private statement(peer: string, v: Verified, stream: string): Outcome {
    const s = (v.payload as StatementRelease).statement;
    if (s.agreement !== null) {
      const errors = validateAgreement(s.agreement, { form: 'statement', receiver: this.d.nodeId });
      if (errors.length) return { kind: 'rejected', reason: `schema:/statement/agreement${errors[0]!.pointer}` };
    }
    const badKey = announcedKeyProblem(s.keys?.keys ?? []);
    if (badKey) {
      this.d.alarms.alarm(
        peer,
        'announced-refused',
        `a statement (seq ${v.payload.seq}) announced a signing key that fails the checks of a bundle key ` +
          `(${badKey.message}); the statement is quarantined and nothing it carries is registered`,
      );
      return { kind: 'rejected', reason: `schema:/statement/keys${badKey.pointer}` };
    }
    this.d.store.exchange.insertStatementIn({
      partner: peer,
      stream,
      seq: v.payload.seq,
      iat: v.payload.iat,
      agreement: s.agreement === null ? null : JSON.stringify(s.agreement),
      checkpoint: s.checkpoint ? JSON.stringify(s.checkpoint) : null,
    });
    const keys = (s.keys?.keys ?? []) as PublicJwk[];
    const added = this.d.partners.addAnnounced(peer, keys, s.tlsSpkiSha256 ?? []);
    const actor = `partner:${peer}`;
    if (added.keys.length || added.pins.length) {
      this.d.audit.append({ action: 'partner.announced', actor, subject: peer, details: added });
      const detail = `the partner announced ${added.keys.length} signing key(s) and ${added.pins.length} TLS pin(s); they are registered`;
      this.d.alarms.alarm(peer, 'announced', detail);
    }
    const a = s.agreement;
    const ref = isObject(a) ? { reference: a.reference, version: a.version } : null;
    const details = { stream, seq: v.payload.seq, agreement: ref };
    this.d.audit.append({ action: 'ingest.statement', actor, subject: peer, details });
    return { kind: 'accepted' };
  }
}
