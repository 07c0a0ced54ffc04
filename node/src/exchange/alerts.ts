// Rapid escalation, entente/1.1 (docs/protocol.md §14.2–§14.4). Receiver side: every alert version
// received is kept with its notification state (alarm, webhook deliveries), RECEIVED goes back to
// the originator once the version is committed, ACTIONED or NO_ACTION when an analyst acknowledges it.
// Originator side: acknowledgements received, checked against what was released to that partner, and
// the per-alert table of partners. This module writes alerts_in, acks_in and webhook_deliveries.
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { AppError } from '../domain/errors.js';
import { nodeIdOfUrn, recordTypeOfId } from '../domain/record-rules.js';
import type { Json } from '../domain/validation.js';
import type { AlertInRow } from '../store/alerts.js';
import type { ExchangeStore } from '../store/exchange.js';
import type { AlarmSink } from './alarms.js';
import type { AgreementService } from './agreements.js';
import type { Outbound } from './outbound/outbound.js';
import { alertLevel } from './outbound/append.js';
import type { ProtocolVersions } from './versions.js';

export type AlertLevel = 'PRIORITY' | 'FLASH';
export type FinalState = 'ACTIONED' | 'NO_ACTION';

export interface AlertsDeps {
  store: ExchangeStore;
  audit: AuditService;
  clock: Clock;
  alarms: AlarmSink;
  outbound: Outbound;
  agreements: AgreementService;
  versions: ProtocolVersions;
  nodeId: string;
  webhooks: readonly { url: string }[];
  /** An exercise node's webhook bodies say so (docs/protocol.md §14.5). */
  exercise?: boolean;
}

/** What an `ack` release carries (release-payload.schema.json#/$defs/ack). */
export interface AckMember {
  ref: { id: string; version: number };
  state: 'RECEIVED' | FinalState;
  note?: string;
  desk?: string;
}

export interface ReceivedAlertView {
  partner: string;
  id: string;
  version: number;
  level: AlertLevel;
  actionRequested: string;
  expiresAt: string | null;
  receivedAt: string;
  open: boolean;
  receivedAck: AlertInRow['received_ack'];
  receivedAckAt: string | null;
  finalState: FinalState | null;
  finalAt: string | null;
  note: string | null;
  desk: string | null;
}

/** One own alert version and its table of partners (docs/protocol.md §14.3). */
export interface SentAlertView {
  id: string;
  version: number;
  level: AlertLevel;
  publishedAt: string;
  partners: {
    partner: string;
    status: 'released' | 'pending' | 'not-eligible';
    protocol: '1.0' | '1.1';
    releasedAt: string | null;
    receiptAt: string | null;
    receivedAt: string | null;
    finalState: FinalState | null;
    finalAt: string | null;
    note: string | null;
    desk: string | null;
  }[];
}

export class Alerts {
  constructor(private readonly d: AlertsDeps) {}

  private iso(): string {
    return new Date(this.d.clock.now()).toISOString();
  }

  // ---------- receiver side, inside the ingest transaction

  /**
   * A newer version of a partner's record became current: it ends the escalation of earlier
   * versions, and an alert on it is kept, alarmed and queued for the webhooks.
   */
  versionApplied(peer: string, record: Record<string, Json>): void {
    const a = this.d.store.alerts;
    const id = record.id as string;
    const version = record.version as number;
    const at = this.iso();
    a.endAlertsBefore(peer, id, version, at);
    const level = alertLevel(record);
    if (!level) return;
    const alert = record.alert as { actionRequested: string; expiresAt?: string };
    const row = {
      partner: peer,
      id,
      version,
      level,
      action: alert.actionRequested,
      expires_at: alert.expiresAt ?? null,
      received_at: at,
    };
    if (!a.insertAlertIn(row)) return;
    // the alarm names the alert; the partner's text stays in the alert list (it is partner data)
    this.d.alarms.alarm(peer, 'alert', `${level} alert ${id} v${version}: acknowledge with entente alerts ack`);
    // a webhook carries these members and nothing else of the record (docs/protocol.md §14.4)
    const body = JSON.stringify({
      kind: 'alert',
      partner: peer,
      id,
      version,
      level,
      actionRequested: alert.actionRequested,
      receivedAt: at,
      ...(this.d.exercise ? { exercise: true } : {}),
    });
    for (const w of this.d.webhooks) a.insertDelivery(w.url, body, this.d.clock.now());
    this.d.audit.append({
      action: 'alert.received',
      actor: `partner:${peer}`,
      subject: id,
      details: { version, level },
    });
  }

  // ---------- originator side, inside the ingest transaction

  /** An `ack` from a partner: kept when it names a version released to that partner, else quarantined. */
  ackArrived(peer: string, ack: AckMember, release: { stream: string; seq: number; iat: number }): string | null {
    const { id, version } = ack.ref;
    const own = nodeIdOfUrn(id) === this.d.nodeId && recordTypeOfId(id) !== undefined;
    if (!own || !this.d.store.alerts.releasedTo(peer, id, version)) return 'unknown-reference';
    const slot = ack.state === 'RECEIVED' ? 'received' : 'final';
    const row = {
      partner: peer,
      id,
      version,
      slot,
      state: ack.state,
      note: ack.note ?? null,
      desk: ack.desk ?? null,
      iat: release.iat,
      stream: release.stream,
      seq: release.seq,
      at: this.iso(),
    } as const;
    if (!this.d.store.alerts.insertAckIn(row)) {
      const held = this.d.store.alerts.acksIn(id, version).find((r) => r.partner === peer && r.slot === slot);
      return held?.state === ack.state ? null : 'ack-conflict';
    }
    const details = { version, state: ack.state };
    this.d.audit.append({ action: 'alert.ack-received', actor: `partner:${peer}`, subject: id, details });
    return null;
  }

  // ---------- receiver side, after the commit

  /**
   * Sends RECEIVED for committed alert versions whose originator speaks 1.1 (once per version);
   * marks it not sent for a 1.0 originator. Returns the partners whose versions must be learned first
   * and the partners appended to.
   */
  sendReceived(partner?: string): { learn: string[]; appended: string[] } {
    const learn = new Set<string>();
    const appended = new Set<string>();
    for (const r of this.d.store.alerts.pendingReceived(partner)) {
      if (!this.d.versions.learned(r.partner)) {
        learn.add(r.partner);
        continue;
      }
      this.d.store.tx(() => {
        const cur = this.d.store.alerts.alertIn(r.id, r.version);
        if (!cur || cur.received_ack !== 'pending') return;
        if (!this.d.versions.speaks11(r.partner) || !this.d.store.exchange.outStream(r.partner)) {
          this.d.store.alerts.setReceivedAck(r.partner, r.id, r.version, 'not-sent', this.iso());
          return;
        }
        this.d.outbound.appendAck(r.partner, { ref: { id: r.id, version: r.version }, state: 'RECEIVED' });
        this.d.store.alerts.setReceivedAck(r.partner, r.id, r.version, 'sent', this.iso());
        appended.add(r.partner);
      });
    }
    return { learn: [...learn], appended: [...appended] };
  }

  /** An analyst's ACTIONED or NO_ACTION (operator API, CLI, console). */
  acknowledge(
    input: { id: string; version?: number; state: FinalState; note?: string; desk?: string },
    actor: string,
  ): { alert: ReceivedAlertView; appended: string | null } {
    const a = this.d.store.alerts;
    let appended: string | null = null;
    const row = this.d.store.tx(() => {
      const cur = input.version !== undefined ? a.alertIn(input.id, input.version) : a.latestAlertIn(input.id);
      // an ack is never sent for a version this node does not hold
      if (!cur) throw new AppError('not-found', 'no alert received with that id and version');
      if (cur.final_state !== null) {
        throw new AppError('conflict', `already acknowledged ${cur.final_state} at ${cur.final_at}`);
      }
      // a later version of the record ended this escalation (docs/protocol.md, defect 21)
      if (cur.ended_at !== null) throw new AppError('conflict', `ended by a later version at ${cur.ended_at}`);
      const send = this.d.versions.speaks11(cur.partner) && !!this.d.store.exchange.outStream(cur.partner);
      if (send) {
        const ack: Record<string, Json> = { ref: { id: cur.id, version: cur.version }, state: input.state };
        if (input.note !== undefined) ack.note = input.note;
        if (input.desk !== undefined) ack.desk = input.desk;
        this.d.outbound.appendAck(cur.partner, ack);
        appended = cur.partner;
      }
      const at = this.iso();
      const final = {
        state: input.state,
        at,
        by: actor,
        note: input.note ?? null,
        desk: input.desk ?? null,
        sent: send,
      };
      a.setFinal(cur.partner, cur.id, cur.version, final);
      const details = { version: cur.version, state: input.state, sent: send };
      this.d.audit.append({ action: 'alert.acknowledge', actor, subject: cur.id, details });
      return a.alertIn(cur.id, cur.version)!;
    });
    return { alert: this.view(row), appended };
  }

  // ---------- views

  private view(r: AlertInRow): ReceivedAlertView {
    const now = this.iso();
    return {
      partner: r.partner,
      id: r.id,
      version: r.version,
      level: r.level,
      actionRequested: r.action,
      expiresAt: r.expires_at,
      receivedAt: r.received_at,
      open: r.final_state === null && r.ended_at === null && (r.expires_at === null || r.expires_at > now),
      receivedAck: r.received_ack,
      receivedAckAt: r.received_ack_at,
      finalState: r.final_state,
      finalAt: r.final_at,
      note: r.final_note,
      desk: r.final_desk,
    };
  }

  /** Unacknowledged, unended, unexpired alerts by level (the gauge, the banner). */
  unacknowledged(): { PRIORITY: number; FLASH: number } {
    const out = { PRIORITY: 0, FLASH: 0 };
    for (const r of this.d.store.alerts.unacknowledged(this.iso())) out[r.level]++;
    return out;
  }

  received(limit = 200): ReceivedAlertView[] {
    return this.d.store.alerts.alertsIn(limit).map((r) => this.view(r));
  }

  /**
   * The originator's table (docs/protocol.md §14.3): per own alert version, per partner, released at,
   * receipt at, RECEIVED at, final state at; "not eligible" and a 1.0 partner kept apart.
   */
  sent(limit = 100): SentAlertView[] {
    const a = this.d.store.alerts;
    return a.ownAlerts(limit).map((v) => {
      const record = JSON.parse(v.body) as Record<string, Json>;
      const alert = record.alert as { level: AlertLevel; actionRequested: string };
      const releases = new Map(a.releasesOf(v.id, v.version).map((r) => [r.partner, r]));
      const acks = a.acksIn(v.id, v.version);
      const type = recordTypeOfId(v.id)!;
      const partners = this.d.store.partners
        .active()
        .map((p) => p.node_id)
        .sort()
        .map((partner) => {
          const rel = releases.get(partner);
          const received = acks.find((k) => k.partner === partner && k.slot === 'received');
          const final = acks.find((k) => k.partner === partner && k.slot === 'final');
          const status: SentAlertView['partners'][number]['status'] = rel
            ? 'released'
            : this.d.outbound.decideFor(partner, { id: v.id, type, record }).action === 'release'
              ? 'pending'
              : 'not-eligible';
          return {
            partner,
            status,
            protocol: this.d.versions.speaks11(partner) ? ('1.1' as const) : ('1.0' as const),
            releasedAt: rel?.created_at ?? null,
            receiptAt: rel?.receipt_at ?? null,
            receivedAt: received?.at ?? null,
            finalState: (final?.state as FinalState | undefined) ?? null,
            finalAt: final?.at ?? null,
            note: final?.note ?? null,
            desk: final?.desk ?? null,
          };
        });
      return {
        id: v.id,
        version: v.version,
        level: alert.level,
        actionRequested: alert.actionRequested,
        publishedAt: v.published_at,
        partners,
      };
    });
  }
}
