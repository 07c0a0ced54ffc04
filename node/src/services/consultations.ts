// Consultations (docs/protocol.md §8, docs/records.md §9): messages travel as `consultation` releases in the stream
// from author to recipient. REQUEST (dueAt on the responder's calendar) → RESPONSE / EXTENSION →
// OUTCOME or WITHDRAWAL; both sides mark LAPSED_NO_RESPONSE when the due time passes; a RESPONSE
// whose iat is not later than the due time is on time even if it arrives later. A REQUEST that
// references a denial version never released to the requester gets an automatic UNKNOWN_REFERENCE
// answer, the same whether or not the denial exists.
import { randomUUID } from 'node:crypto';
import { canonicalString } from '../crypto/canonical.js';
import type { AgreementStatement } from '../domain/agreement-rules.js';
import { validateConsultationMessage, type ConsultationState } from '../domain/consultation-rules.js';
import { AppError, validationError } from '../domain/errors.js';
import { toTimestamp } from '../domain/dates.js';
import { addWorkingDays, dueAtFor, workingDaysBetween } from '../domain/working-days.js';
import { isObject, type Json } from '../domain/validation.js';
import type { ConsultationRow, Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { ConsultationSink } from '../exchange/inbound/inbound.js';
import type { ConsultationRelease } from '../exchange/wire.js';
import { consultationView, type ConsultationView } from './consultation-view.js';

/** How consultation messages travel: as releases in the stream to the partner. */
export interface ConsultationStream {
  /** Appends a message; inside the caller's transaction. */
  appendConsultation(partner: string, message: Record<string, Json>): { iat: number };
  /** After the commit: the partner's pusher has something to send. */
  wake(partners: string[]): void;
}

/** The agreement this node sends under to a partner. */
export interface OurAgreements {
  current(partner: string): AgreementStatement | null;
}

export const PRIVATE_HANDLING = {
  tlp: 'AMBER+STRICT',
  originatorControl: { noOnwardSharing: true, noEvidentialUseWithoutConsent: true, noDowngradeWithoutConsent: true },
};

export interface ConsultationOptions {
  nodeId: string;
  /** This node's country: its own calendar when it extends a due time. */
  country: string;
  /** Holidays per country (ISO 3166 code → dates), for working-day due times. */
  holidays: Record<string, string[]>;
}

export class ConsultationService implements ConsultationSink {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly streams: ConsultationStream,
    private readonly agreements: OurAgreements,
    private readonly o: ConsultationOptions,
  ) {}

  private holidaysOf(partner: string): Set<string> {
    const country = this.store.partners.get(partner)?.country ?? '';
    return new Set(this.o.holidays[country] ?? []);
  }

  private calendarOfResponder(row: ConsultationRow): Set<string> {
    return row.role === 'responder' ? new Set(this.o.holidays[this.o.country] ?? []) : this.holidaysOf(row.partner);
  }

  private theirAgreement(partner: string): AgreementStatement | null {
    const st = this.store.exchange.latestStatementIn(partner);
    return st?.agreement ? (JSON.parse(st.agreement) as AgreementStatement) : null;
  }

  /** Consultations need an agreement valid in both directions (docs/records.md §9). */
  private requireAgreements(partner: string): { ours: AgreementStatement; theirs: AgreementStatement } {
    const p = this.store.partners.get(partner);
    if (!p || p.removed_at) throw new AppError('not-found', 'no such partner');
    const ours = this.agreements.current(partner);
    const theirs = this.theirAgreement(partner);
    const today = new Date(this.clock.now()).toISOString().slice(0, 10);
    const valid = (a: AgreementStatement | null) => !!a && a.validFrom <= today && today <= a.validUntil;
    if (!valid(ours)) throw new AppError('conflict', `no agreement of ours with ${partner} is in force`);
    if (!valid(theirs))
      throw new AppError('conflict', `${partner} has no agreement with us in force (from its latest statement)`);
    return { ours: ours!, theirs: theirs! };
  }

  private state(row: ConsultationRow | undefined): ConsultationState | undefined {
    if (!row) return undefined;
    const types = this.store.consultations.messages(row.id).map((m) => m.type);
    return {
      requester: row.role === 'requester' ? this.o.nodeId : row.partner,
      responder: row.role === 'responder' ? this.o.nodeId : row.partner,
      dueAt: row.due_at,
      hasResponse: types.includes('RESPONSE'),
      hasOutcome: types.includes('OUTCOME'),
      hasWithdrawal: types.includes('WITHDRAWAL'),
    };
  }

  /** Validates, stores and sends one message of ours. Inside a transaction. */
  private send(
    partner: string,
    message: Record<string, Json>,
    row: ConsultationRow | undefined,
    actor: string,
  ): number {
    const iat = Math.max(Math.floor(this.clock.now() / 1000), this.store.exchange.outStream(partner)?.head_iat ?? 0);
    const errors = validateConsultationMessage(message, {
      iss: this.o.nodeId,
      aud: partner,
      iat,
      ...(row ? { consultation: this.state(row)! } : {}),
    });
    if (errors.length) throw validationError(errors, '/message', 'the consultation message is not valid');
    const rel = this.streams.appendConsultation(partner, message);
    this.store.consultations.insertMessage({
      id: message.id,
      consultation_id: message.consultationId,
      type: message.type,
      author: this.o.nodeId,
      direction: 'out',
      iat: rel.iat,
      body: canonicalString(message),
      at: new Date(this.clock.now()).toISOString(),
    });
    this.audit.append({
      action: `consultation.${String(message.type).toLowerCase()}`,
      actor,
      subject: message.consultationId,
      details: { partner, message: message.id },
    });
    return rel.iat;
  }

  /** POST /admin/v1/consultations: a REQUEST to the denying partner. */
  open(input: unknown, actor: string): ConsultationView {
    if (!isObject(input) || typeof input.partner !== 'string')
      throw new AppError('validation', 'partner is required', [
        { pointer: '/partner', rule: 'M4', message: 'required' },
      ]);
    const partner = input.partner;
    const { theirs } = this.requireAgreements(partner);
    const consultationId = `urn:entente:${this.o.nodeId}:consultation:${randomUUID()}`;
    const now = this.clock.now();
    const message: Record<string, Json> = {
      id: `urn:entente:${this.o.nodeId}:consultation-msg:${randomUUID()}`,
      consultationId,
      type: 'REQUEST',
      handling: input.handling ?? PRIVATE_HANDLING,
      referencedDenials: input.referencedDenials,
      proposedTransaction: input.proposedTransaction,
      question: input.question,
      dueAt: dueAtFor(now, theirs.consultation.workingDays, this.holidaysOf(partner)),
    };
    this.store.tx(() => {
      const at = new Date(now).toISOString();
      const row: ConsultationRow = {
        id: consultationId,
        role: 'requester',
        partner,
        state: 'OPEN',
        due_at: message.dueAt,
        opened_at: at,
        request_iat: Math.floor(now / 1000),
        extension_days: 0,
        position: null,
        response_iat: null,
        on_time: null,
        outcome: null,
        updated_at: at,
      };
      this.store.consultations.insert(row);
      const iat = this.send(partner, message, undefined, actor);
      this.store.consultations.update(consultationId, { request_iat: iat });
    });
    this.streams.wake([partner]);
    return this.view(consultationId);
  }

  /** POST /admin/v1/consultations/{id}/messages: RESPONSE, EXTENSION (responder), OUTCOME, WITHDRAWAL (requester). */
  reply(consultationId: string, input: unknown, actor: string): ConsultationView {
    const row = this.store.consultations.get(consultationId);
    if (!row) throw new AppError('not-found', 'no such consultation');
    if (!isObject(input) || typeof input.type !== 'string')
      throw new AppError('validation', 'type is required', [{ pointer: '/type', rule: 'M4', message: 'required' }]);
    const type = input.type;
    const mine = row.role === 'responder' ? ['RESPONSE', 'EXTENSION'] : ['OUTCOME', 'WITHDRAWAL'];
    if (!mine.includes(type))
      throw new AppError('conflict', `as the ${row.role} of this consultation this node sends ${mine.join(' or ')}`);
    const { ours } = this.requireAgreements(row.partner);
    const { type: _t, days, ...rest } = input;
    const message: Record<string, Json> = {
      id: `urn:entente:${this.o.nodeId}:consultation-msg:${randomUUID()}`,
      consultationId,
      type,
      handling: rest.handling ?? PRIVATE_HANDLING,
      ...rest,
    };
    if (type === 'EXTENSION') {
      // the responder keeps the total extension within its agreement's maxExtensionWorkingDays
      const holidays = new Set(this.o.holidays[this.o.country] ?? []);
      if (message.newDueAt === undefined && typeof days === 'number')
        message.newDueAt = `${addWorkingDays(row.due_at.slice(0, 10), days, holidays)}T23:59:59Z`;
      const added =
        typeof message.newDueAt === 'string' ? workingDaysBetween(row.due_at, message.newDueAt, holidays) : 0;
      if (row.extension_days + added > ours.consultation.maxExtensionWorkingDays) {
        throw new AppError(
          'validation',
          `the total extension would be ${row.extension_days + added} working days; our agreement allows ${ours.consultation.maxExtensionWorkingDays}`,
          [{ pointer: '/newDueAt', rule: 'C7', message: 'beyond maxExtensionWorkingDays' }],
        );
      }
    }
    this.store.tx(() => {
      const iat = this.send(row.partner, message, row, actor);
      this.applyEffects(row, message, iat);
    });
    this.streams.wake([row.partner]);
    return this.view(consultationId);
  }

  /** State changes a message causes, on either side. */
  private applyEffects(row: ConsultationRow, m: Record<string, Json>, iat: number): void {
    const at = new Date(this.clock.now()).toISOString();
    const due = Date.parse(row.due_at) / 1000;
    switch (m.type) {
      case 'RESPONSE': {
        const onTime = iat <= due;
        const state = m.position === 'NEEDS_MORE_INFORMATION' ? 'CLOSED' : 'ANSWERED';
        this.store.consultations.update(row.id, {
          state,
          position: m.position,
          response_iat: iat,
          on_time: onTime ? 1 : 0,
          updated_at: at,
        });
        break;
      }
      case 'EXTENSION':
        this.store.consultations.update(row.id, {
          due_at: m.newDueAt,
          extension_days:
            row.extension_days + workingDaysBetween(row.due_at, m.newDueAt, this.calendarOfResponder(row)),
          state: row.state === 'LAPSED_NO_RESPONSE' ? 'OPEN' : row.state,
          updated_at: at,
        });
        break;
      case 'OUTCOME':
        this.store.consultations.update(row.id, { state: 'DECIDED', outcome: m.decision, updated_at: at });
        break;
      case 'WITHDRAWAL':
        this.store.consultations.update(row.id, { state: 'WITHDRAWN', updated_at: at });
        break;
      default:
        break;
    }
  }

  // ---------- ConsultationSink (inside the ingest transaction)

  check(peer: string, payload: ConsultationRelease): string | null {
    const m = payload.consultation as Record<string, Json>;
    const row =
      isObject(m) && typeof m.consultationId === 'string' ? this.store.consultations.get(m.consultationId) : undefined;
    if (row && row.partner !== peer) return 'schema:/consultationId';
    const errors = validateConsultationMessage(m, {
      iss: peer,
      aud: this.o.nodeId,
      iat: payload.iat,
      ...(row ? { consultation: this.state(row)! } : {}),
    });
    if (errors.length) return `schema:${errors[0]!.pointer}`;
    // a responder's message that crosses our WITHDRAWAL is recorded (C10 note); anything else to a
    // closed consultation is out of order
    return null;
  }

  apply(peer: string, payload: ConsultationRelease): void {
    const m = payload.consultation as Record<string, Json>;
    const at = new Date(this.clock.now()).toISOString();
    if (m.type === 'REQUEST') {
      const row: ConsultationRow = {
        id: m.consultationId,
        role: 'responder',
        partner: peer,
        state: 'OPEN',
        due_at: m.dueAt,
        opened_at: at,
        request_iat: payload.iat,
        extension_days: 0,
        position: null,
        response_iat: null,
        on_time: null,
        outcome: null,
        updated_at: at,
      };
      this.store.consultations.insert(row);
      this.store.consultations.insertMessage({
        id: m.id,
        consultation_id: m.consultationId,
        type: m.type,
        author: peer,
        direction: 'in',
        iat: payload.iat,
        body: canonicalString(m),
        at,
      });
      this.audit.append({
        action: 'consultation.request-received',
        actor: `partner:${peer}`,
        subject: m.consultationId,
        details: { message: m.id },
      });
      // UNKNOWN_REFERENCE: any referenced (id, version) never released to the requester, whether or not it exists
      const refs = (m.referencedDenials as { id: string; version: number }[]) ?? [];
      if (refs.some((r) => !this.store.consultations.everReleased(peer, r.id, r.version))) {
        const answer = {
          id: `urn:entente:${this.o.nodeId}:consultation-msg:${randomUUID()}`,
          consultationId: m.consultationId,
          type: 'RESPONSE',
          position: 'UNKNOWN_REFERENCE',
          handling: PRIVATE_HANDLING,
        };
        const iat = this.send(peer, answer, row, 'system');
        this.applyEffects(row, answer, iat);
        setImmediate(() => this.streams.wake([peer])); // wake the pusher once the batch has committed
      }
      return;
    }
    const row = this.store.consultations.get(m.consultationId)!;
    this.store.consultations.insertMessage({
      id: m.id,
      consultation_id: m.consultationId,
      type: m.type,
      author: peer,
      direction: 'in',
      iat: payload.iat,
      body: canonicalString(m),
      at,
    });
    this.audit.append({
      action: `consultation.${String(m.type).toLowerCase()}-received`,
      actor: `partner:${peer}`,
      subject: m.consultationId,
      details: { message: m.id },
    });
    this.applyEffects(row, m, payload.iat);
  }

  /** Both sides mark LAPSED_NO_RESPONSE when the due time passes with no RESPONSE. */
  lapse(): number {
    const now = toTimestamp(this.clock.now());
    const due = this.store.consultations.dueBefore(now);
    if (due.length === 0) return 0;
    this.store.tx(() => {
      for (const r of due) {
        this.store.consultations.update(r.id, {
          state: 'LAPSED_NO_RESPONSE',
          updated_at: new Date(this.clock.now()).toISOString(),
        });
        this.audit.append({
          action: 'consultation.lapsed',
          actor: 'system',
          subject: r.id,
          details: { partner: r.partner, dueAt: r.due_at },
        });
      }
    });
    return due.length;
  }

  view(id: string): ConsultationView {
    const r = this.store.consultations.get(id);
    if (!r) throw new AppError('not-found', 'no such consultation');
    return consultationView(r, this.store.consultations.messages(id));
  }

  list(partner?: string): ConsultationView[] {
    return this.store.consultations.list(partner).map((r) => this.view(r.id));
  }
}
