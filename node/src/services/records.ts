// Publishing and reading records (docs/protocol.md §4, §9, §10; docs/records.md §2.1): every version is validated,
// signed at publication (entente-record+jws over the canonical unredacted record), stored with its
// signature, and audited in one transaction. Received records are read-only here.
import { randomUUID } from 'node:crypto';
import { canonicalString } from '../crypto/canonical.js';
import { crashPoint } from '../config/crash.js';
import { sha256 } from '../crypto/digest.js';
import type { Signer } from '../crypto/jws.js';
import { keyValidAt, type PublicJwk } from '../crypto/keys.js';
import { toTimestamp } from '../domain/dates.js';
import { AppError, validationError } from '../domain/errors.js';
import {
  amendmentViolations,
  applyNewDefaults,
  FILLED_FROM_OTHERS,
  labels,
  nextUpdatedAt,
  searchTerms,
  statusTransition,
  TransitionError,
  withEnvelope,
  withoutAssigned,
  type Envelope,
  type StatusRequest,
} from '../domain/lifecycle.js';
import { recordTypeOfId, validateRecord, isTerminal } from '../domain/record-rules.js';
import type { RecordType } from '../domain/redaction.js';
import type { Json } from '../domain/validation.js';
import type { RecordRow, RecordVersionRow, Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { RecordDetail, RecordSummary, ReviewEntry, SearchParams, VersionView } from './record-views.js';

export type { RecordDetail, RecordSummary, ReviewEntry, SearchParams, VersionView } from './record-views.js';
import type { Clock } from '../core/clock.js';

/** A canonical record above this is refused with 413, so nothing unshareable is published (docs/protocol.md §10). */
export const MAX_RECORD_BYTES = 240 * 1024;

export interface PublishedVersion {
  id: string;
  version: number;
  type: RecordType;
  record: Record<string, Json>;
  rowId: number;
  pubSeq: number;
  digest: string;
}

/** Who hears of a publication: inside its transaction (materialisation), then after the commit. */
export interface PublicationListener {
  published(v: PublishedVersion): void;
  committed(v: PublishedVersion): void;
}

export interface RecordServiceOptions {
  nodeId: string;
  country: string;
  reviewReminderDays: number;
  /** The signer in use now and its public key (key rotation swaps them). */
  identity: { readonly signer: Signer; readonly signingKey: PublicJwk };
  /** The exchange materialises a publication in its transaction. */
  publications: PublicationListener;
  /** The highest minor version spoken: a 1.0 node publishes no alert (docs/protocol.md §14.2). */
  maxMinor?: number;
}

export class RecordService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly o: RecordServiceOptions,
  ) {}

  private now(): string {
    return toTimestamp(this.clock.now());
  }

  /** POST /admin/v1/records: version 1. */
  publish(type: RecordType, input: unknown, actor: string): PublishedVersion {
    const createdAt = this.now();
    const id = `urn:entente:${this.o.nodeId}:${type}:${randomUUID()}`;
    const body = applyNewDefaults(type, withoutAssigned(input), createdAt);
    const record = withEnvelope(body, {
      id,
      version: 1,
      changeType: 'NEW',
      originatorNodeId: this.o.nodeId,
      originatorCountry: this.o.country,
      createdAt,
      updatedAt: createdAt,
    });
    return this.commit(type, record, actor, 'record.publish', FILLED_FROM_OTHERS[type], () => {
      if (this.store.records.ownReferenceTaken(type, String(record.originatorReference))) {
        throw new AppError(
          'conflict',
          `originatorReference ${String(record.originatorReference)} is already used by another ${type} of this node`,
          [{ pointer: '/record/originatorReference', rule: 'unique', message: 'already used' }],
        );
      }
    });
  }

  /** PUT /admin/v1/records/{id}: an AMENDMENT carrying the full record. */
  amend(id: string, input: unknown, ifMatch: number | undefined, actor: string): PublishedVersion {
    const { type, current } = this.ownCurrent(id, ifMatch);
    if (isTerminal(type, current.status))
      throw new AppError(
        'transition',
        `the record is ${String(current.status)}: a terminal status has no later version`,
      );
    const proposed = withoutAssigned(input);
    const violations = amendmentViolations(type, current, proposed);
    if (violations.length) throw validationError(violations, '/record', 'members that may not change in an amendment');
    const record = withEnvelope(proposed, this.nextEnvelope(current, 'AMENDMENT'));
    return this.commit(type, record, actor, 'record.amend', [], () =>
      this.recheckCurrent(id, current.version as number),
    );
  }

  /** POST /admin/v1/records/{id}/status: status change, renewal or final assessment. */
  changeStatus(id: string, req: StatusRequest, ifMatch: number | undefined, actor: string): PublishedVersion {
    const { type, current } = this.ownCurrent(id, ifMatch);
    let t;
    try {
      t = statusTransition(type, current, req);
    } catch (e) {
      if (e instanceof TransitionError) {
        if (e.kind === 'validation')
          throw new AppError('validation', e.message, [{ pointer: e.pointer, rule: 'transition', message: e.message }]);
        throw new AppError('transition', e.message, [{ pointer: e.pointer, rule: 'transition', message: e.message }]);
      }
      throw e;
    }
    // a status change carries no alert: it ends an escalation (docs/protocol.md §14.2)
    const body = { ...t.body };
    delete body.alert;
    const record = withEnvelope(body, this.nextEnvelope(current, t.changeType));
    const action =
      t.changeType === 'RENEWAL'
        ? 'record.renew'
        : t.changeType === 'FINAL_ASSESSMENT'
          ? 'record.final-assessment'
          : 'record.status';
    return this.commit(type, record, actor, action, [], () => this.recheckCurrent(id, current.version as number));
  }

  private nextEnvelope(current: Record<string, Json>, changeType: Envelope['changeType']): Envelope {
    return {
      id: current.id,
      version: (current.version as number) + 1,
      changeType,
      originatorNodeId: this.o.nodeId,
      originatorCountry: this.o.country,
      createdAt: current.createdAt,
      updatedAt: nextUpdatedAt(this.now(), current.updatedAt),
    };
  }

  private ownCurrent(id: string, ifMatch: number | undefined): { type: RecordType; current: Record<string, Json> } {
    const row = this.store.records.current(id);
    const type = recordTypeOfId(id);
    if (!row || !type) throw new AppError('not-found', 'no such record');
    if (!row.own)
      throw new AppError('conflict', `received records are read-only: only ${row.origin} changes this record`);
    if (ifMatch !== undefined && ifMatch !== row.version)
      throw new AppError(
        'precondition-failed',
        `If-Match "${ifMatch}" is stale: the current version is ${row.version}`,
        [],
        { currentVersion: row.version },
      );
    const v = this.store.records.currentVersion(id)!;
    return { type, current: JSON.parse(v.body) as Record<string, Json> };
  }

  private recheckCurrent(id: string, expected: number): void {
    const row = this.store.records.current(id);
    if (!row || row.version !== expected)
      throw new AppError(
        'precondition-failed',
        `the record changed concurrently: the current version is ${row?.version}`,
      );
  }

  /** Validates, signs, stores, audits and runs the publication hooks, in one transaction. */
  private commit(
    type: RecordType,
    record: Record<string, Json>,
    actor: string,
    action: string,
    filled: readonly string[],
    precheck: () => void,
  ): PublishedVersion {
    // a member the node fills is never reported missing: its missing source is (docs/records.md §2.1)
    const errors = validateRecord(record, {
      expectedType: type,
      countryOf: (n) => (n === this.o.nodeId ? this.o.country : undefined),
    }).filter((e) => !(filled.includes(e.pointer.slice(1)) && e.message === 'is required'));
    if ((this.o.maxMinor ?? 1) < 1 && record.alert !== undefined) {
      errors.push({ pointer: '/alert', rule: 'protocol', message: 'alert is entente/1.1: this node speaks 1.0' });
    }
    if (errors.length) throw validationError(errors, '/record');
    const canonical = canonicalString(record);
    if (Buffer.byteLength(canonical) > MAX_RECORD_BYTES)
      throw new AppError(
        'too-large',
        `the canonical record is ${Buffer.byteLength(canonical)} bytes; the limit is ${MAX_RECORD_BYTES}`,
      );
    const updatedAtSec = Math.floor(Date.parse(record.updatedAt as string) / 1000);
    const { signer, signingKey: key } = this.o.identity;
    if (!keyValidAt(key, updatedAtSec))
      throw new AppError('internal', "the signing key is not valid at this version's updatedAt");
    const signature = signer.sign(Buffer.from(canonical, 'utf8'), 'entente-record+jws');
    const digest = sha256(canonical);
    const storedAt = new Date(this.clock.now()).toISOString();
    let published!: PublishedVersion;
    this.store.tx(() => {
      precheck();
      const row: Omit<RecordVersionRow, 'row_id'> = {
        id: record.id,
        version: record.version,
        view: 1,
        type,
        origin: this.o.nodeId,
        own: 1,
        status: record.status,
        body: canonical,
        digest,
        signature,
        jws: null,
        redacted: null,
        agreement: null,
        stream: null,
        seq: null,
        updated_at: record.updatedAt,
        stored_at: storedAt,
      };
      const rowId = this.store.records.insertVersion(row);
      this.store.records.setCurrent(
        { ...row, row_id: rowId },
        String(record.originatorReference),
        record.createdAt,
        searchTerms(type, record),
      );
      const pubSeq = this.store.records.addPublication(record.id, record.version, rowId, storedAt);
      published = { id: record.id, version: record.version, type, record, rowId, pubSeq, digest };
      this.audit.append({
        action,
        actor,
        subject: record.id,
        details: { version: record.version, changeType: record.changeType, status: record.status, digest },
      });
      this.o.publications.published(published);
    });
    crashPoint('publish.after-commit');
    this.o.publications.committed(published);
    return published;
  }

  // ---------- reading

  get(id: string): RecordDetail {
    const row = this.store.records.current(id);
    if (!row) throw new AppError('not-found', 'no such record');
    const history = this.store.records.history(id).map((v) => this.versionView(v));
    const current = history.filter((h) => h.version === row.version).at(-1)!;
    const review = row.review ? (JSON.parse(row.review) as ReviewEntry[]) : null;
    return {
      id,
      type: row.type,
      origin: row.origin,
      labels: this.labelsOf(row, current.record),
      recalled: row.recalled === 1,
      review,
      current,
      history,
    };
  }

  /**
   * Marks a received record's cross-version findings reviewed: the `cross-version-violation` label
   * goes; the findings stay in the audit entry, with the analyst's token and note.
   */
  markReviewed(
    id: string,
    actor: string,
    note: string | null,
  ): { id: string; reviewed: ReviewEntry[]; by: string; at: string } {
    const at = new Date(this.clock.now()).toISOString();
    let reviewed: ReviewEntry[] = [];
    this.store.tx(() => {
      if (!this.store.records.current(id)) throw new AppError('not-found', 'no such record');
      const held = this.store.records.clearReview(id);
      if (held === null) throw new AppError('conflict', 'nothing on this record awaits review');
      reviewed = JSON.parse(held) as ReviewEntry[];
      this.audit.append({
        action: 'record.review',
        actor,
        subject: id,
        details: {
          reviewed: reviewed.map((r) => ({
            version: r.version,
            heldVersion: r.heldVersion,
            rules: r.violations.map((v) => `${v.rule} ${v.pointer}`),
          })),
          note,
        },
      });
    });
    return { id, reviewed, by: actor, at };
  }

  private versionView(v: RecordVersionRow): VersionView {
    const view: VersionView = {
      version: v.version,
      record: JSON.parse(v.body) as Record<string, Json>,
      digest: v.digest,
      origin: v.own ? 'own' : 'received',
    };
    if (v.signature) view.signature = v.signature;
    if (v.jws) view.jws = v.jws;
    else if (!v.own && v.stream && v.seq !== null) {
      const jws = this.store.records.inboundJws(v.origin, v.stream, v.seq);
      if (jws) view.jws = jws;
    }
    if (v.redacted) view.redacted = JSON.parse(v.redacted) as string[];
    if (v.agreement) view.agreement = JSON.parse(v.agreement);
    if (v.stream) view.stream = v.stream;
    if (v.seq !== null) view.seq = v.seq;
    if (!v.own) view.receivedAt = v.stored_at;
    return view;
  }

  private labelsOf(row: RecordRow, record: Json): string[] {
    const out = labels(row.type, record, this.clock.now(), this.o.reviewReminderDays);
    if (row.recalled) out.push('recalled');
    if (row.review) out.push('cross-version-violation');
    return out;
  }

  search(p: SearchParams): { items: RecordSummary[]; next: string | null } {
    const limit = Math.min(Math.max(p.limit ?? 100, 1), 1000);
    let afterKey: number | undefined;
    if (p.after) {
      const n = Number(Buffer.from(p.after, 'base64url').toString('utf8'));
      if (!Number.isSafeInteger(n) || n < 0)
        throw new AppError('bad-request', 'after is not a cursor this node issued', [
          { pointer: '/after', rule: 'cursor', message: 'invalid cursor' },
        ]);
      afterKey = n;
    }
    const rows = this.store.records.search({ ...p, afterKey, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const items = page.map((r) => {
      const record = JSON.parse(r.body) as Record<string, Json>;
      return {
        id: r.id,
        type: r.type,
        version: r.version,
        origin: r.origin,
        status: r.status,
        labels: this.labelsOf(r, record),
        recalled: r.recalled === 1,
        record,
      };
    });
    const next = rows.length > limit ? Buffer.from(String(page.at(-1)!.order_key)).toString('base64url') : null;
    return { items, next };
  }
}
