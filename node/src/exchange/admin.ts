// The operator's view of the exchange (docs/protocol.md §10): agreements, explain, sync health, stream operations.
import { AppError } from '../domain/errors.js';
import { recordTypeOfId } from '../domain/record-rules.js';
import type { Json } from '../domain/validation.js';
import type { AlarmRow, ExchangeStore } from '../store/exchange.js';
import type { AgreementService } from './agreements.js';
import type { AlarmService } from './alarms.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { LinkHealth } from './links/links.js';
import type { PartnerHooks } from './partner-admin.js';
import type { Outbound } from './outbound/outbound.js';
import { alertLevel } from './outbound/append.js';
import type { ProtocolVersions } from './versions.js';

export interface ExchangeAdminDeps {
  store: ExchangeStore;
  audit: AuditService;
  clock: Clock;
  agreements: AgreementService;
  outbound: Outbound;
  alarms: AlarmService;
  links: { health(partner: string): LinkHealth };
  /** Received records labelled after a cross-version violation, per partner, until reviewed. */
  reviews: { reviewCount(partner: string): number };
  /** What each partner speaks (docs/protocol.md §14.1). */
  versions: ProtocolVersions;
}

export class ExchangeAdmin implements PartnerHooks {
  private readonly store: ExchangeStore;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly agreements: AgreementService;
  private readonly outbound: Outbound;

  constructor(private readonly d: ExchangeAdminDeps) {
    ({
      store: this.store,
      audit: this.audit,
      clock: this.clock,
      agreements: this.agreements,
      outbound: this.outbound,
    } = d);
  }

  // ---- PartnerHooks (inside the registration transaction)
  onRegistered(bundle: { nodeId: string }, _created: boolean, change: { agreement?: unknown }, actor: string): void {
    let changed = false;
    if (change.agreement !== undefined) {
      const r = this.agreements.set(bundle.nodeId, change.agreement, new Date(this.clock.now()).toISOString());
      changed = r.changed;
      if (r.changed)
        this.audit.append({
          action: 'agreement.set',
          actor,
          subject: bundle.nodeId,
          details: { version: r.agreement?.version ?? null, reference: r.agreement?.reference ?? null },
        });
    }
    this.outbound.registered(bundle.nodeId, changed);
  }

  onRemoved(nodeId: string): void {
    this.outbound.removed(nodeId);
  }

  agreementOf(nodeId: string): unknown {
    return this.agreements.current(nodeId);
  }

  syncOf(nodeId: string): Record<string, unknown> {
    const s = this.store.exchange.outStream(nodeId);
    const i = this.store.exchange.inStream(nodeId);
    const lastReceipt = this.store.exchange.lastReceipt(nodeId);
    const pendingPubs = s ? Math.max(0, this.store.exchange.lastPubSeq() - s.mat_cursor) : 0;
    const theirs = this.store.exchange.latestStatementIn(nodeId);
    return {
      outbound: s
        ? {
            stream: s.stream,
            head: s.head_seq,
            lastReceiptUpTo: s.receipt_upto,
            materialised: s.head_seq,
            queued: s.head_seq - s.receipt_upto,
            notYetMaterialised: pendingPubs,
            backfilling: s.backfill_next !== null,
            embargoed: this.store.exchange.embargoCount(nodeId),
            held: this.store.exchange.holdingCount(nodeId),
            quarantinedByPartner: this.store.exchange.rejectedBy(nodeId, s.stream).length,
            blocked: s.blocked,
            lastError: s.last_error,
            lastPushAt: s.last_push_at,
            lastPulledByPartnerAt: s.last_pull_by_partner_at,
            lastReceiptAt: lastReceipt?.received_at ?? null,
          }
        : null,
      inbound: i
        ? {
            stream: i.stream,
            cursor: i.next_seq - 1,
            counts: this.store.exchange.inboundCounts(nodeId),
            // records of this partner labelled after a cross-version violation, until reviewed
            toReview: this.d.reviews.reviewCount(nodeId),
            lastContactAt: i.last_contact_at,
            lastError: i.last_error,
            theirAgreement: theirs?.agreement ? JSON.parse(theirs.agreement) : null,
          }
        : null,
      link: this.d.links.health(nodeId),
      protocol: (() => {
        const l = this.d.versions.learned(nodeId);
        return { versions: l?.versions ?? null, learnedAt: l?.learnedAt ?? null, using: this.d.versions.using(nodeId) };
      })(),
    };
  }

  setAgreement(partner: string, input: unknown, actor: string): { agreement: unknown; changed: boolean } {
    this.agreements.requireKnownPartner(partner);
    if (this.store.partners.get(partner)?.removed_at)
      throw new AppError('conflict', 'the partner was removed; register it again with its bundle');
    let result = { agreement: null as unknown, changed: false };
    this.store.tx(() => {
      const r = this.agreements.set(partner, input, new Date(this.clock.now()).toISOString());
      result = { agreement: r.agreement, changed: r.changed };
      if (r.changed) {
        this.audit.append({
          action: 'agreement.set',
          actor,
          subject: partner,
          details: { version: r.agreement?.version ?? null, reference: r.agreement?.reference ?? null },
        });
        this.outbound.agreementChanged(partner);
      }
    });
    if (result.changed) this.outbound.wake([partner]);
    return result;
  }

  explain(partner: string, recordId: string): Record<string, unknown> {
    this.agreements.requireKnownPartner(partner);
    const pub = this.store.exchange.currentPublication(recordId);
    const type = recordTypeOfId(recordId);
    if (!pub || !type)
      throw new AppError('not-found', "no own record with that id (only this node's records are released)");
    const record = JSON.parse(pub.body) as Record<string, Json>;
    const d = this.outbound.decideFor(partner, { id: pub.id, type, record });
    const holding = this.store.exchange.holding(partner, recordId);
    const out: Record<string, unknown> = {
      partner,
      record: recordId,
      version: pub.version,
      decision: d.action,
      reasons: d.reasons,
      held: holding ? { version: holding.version, recalled: holding.recalled === 1 } : null,
    };
    if (d.action === 'release') {
      out.redacted = d.redacted;
      if (d.notBefore !== undefined) out.notBefore = new Date(d.notBefore).toISOString();
    }
    if (d.action === 'tombstone') out.tombstone = d.ref;
    // an alert changes when and in what order a version goes, never whether (docs/protocol.md §14.2)
    const level = alertLevel(record);
    if (level) {
      const speaks11 = this.d.versions.speaks11(partner);
      const effect =
        d.action !== 'release'
          ? 'none: the alert never widens the agreement'
          : (level === 'FLASH'
              ? 'materialised at publication ignoring the window and the embargo, pushed at once'
              : 'materialised at publication ahead of backfill and routine records, embargo kept') +
            (speaks11 ? '' : '; released without the alert member (1.0 partner)');
      out.alert = { level, effect };
    }
    return out;
  }

  reset(partner: string, actor: string): { stream: string } {
    return this.outbound.reset(partner, actor);
  }

  reanchor(partner: string, actor: string): { ok: true } {
    return this.outbound.reanchor(partner, actor);
  }

  alarms(partner?: string): AlarmRow[] {
    return this.d.alarms.list(partner);
  }
}
