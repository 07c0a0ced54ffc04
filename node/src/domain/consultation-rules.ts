// Consultation messages (docs/records.md §9): rules C1–C11. Pure apart from the schema registry.
import { schemas } from '../schema/registry.js';
import { itemErrors, partyErrors, NEVER_SKIP } from './parties.js';
import { nodeIdOfUrn } from './record-rules.js';
import { asArray, dedupeErrors, encodingErrors, isObject, type Json, type ValidationError } from './validation.js';
import { timestampMs } from './dates.js';

/** What the checking node knows of the consultation a message belongs to. */
export interface ConsultationState {
  requester: string;
  responder: string;
  /** Current due time: the latest newDueAt, else dueAt. */
  dueAt: string;
  hasResponse: boolean;
  hasOutcome: boolean;
  hasWithdrawal: boolean;
}

export interface ConsultationCheckContext {
  /** The release's `iss` (the author) and `aud`. */
  iss: string;
  aud: string;
  /** The release's `iat`, seconds. */
  iat: number;
  /** The known consultation with this consultationId, if any. */
  consultation?: ConsultationState;
}

const FROM_REQUESTER = new Set(['REQUEST', 'OUTCOME', 'WITHDRAWAL']);

export function validateConsultationMessage(msg: unknown, ctx: ConsultationCheckContext): ValidationError[] {
  if (!isObject(msg)) return [{ pointer: '', rule: 'M4', message: 'a consultation message is a JSON object' }];
  const out: ValidationError[] = schemas()
    .validate('consultation-message', msg)
    .map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message }));
  out.push(...encodingErrors(msg));
  const push = (pointer: string, rule: string, message: string) => out.push({ pointer, rule, message });
  const m = msg as Json;
  const type = m.type;

  if (typeof m.id === 'string' && nodeIdOfUrn(m.id) !== undefined && nodeIdOfUrn(m.id) !== ctx.iss)
    push('/id', 'C1', 'the NodeId in id must be the author');
  const consNode = nodeIdOfUrn(m.consultationId);
  if (consNode !== undefined && typeof type === 'string') {
    const expected = FROM_REQUESTER.has(type) ? ctx.iss : ctx.aud;
    if (consNode !== expected)
      push('/consultationId', 'C2', `the NodeId in consultationId must be the requester (${expected})`);
  }
  if (isObject(m.handling) && m.handling.tlp === 'RED')
    push('/handling/tlp', 'C3', 'a consultation message is never TLP:RED');

  if (type === 'REQUEST') {
    const seen = new Set<string>();
    asArray(m.referencedDenials).forEach((d, k) => {
      if (!isObject(d) || typeof d.id !== 'string') return;
      if (nodeIdOfUrn(d.id) !== ctx.aud)
        push(`/referencedDenials/${k}/id`, 'C4', "a referenced denial must be the responder's");
      else if (seen.has(d.id)) push(`/referencedDenials/${k}/id`, 'C4', 'referenced denial ids are unique');
      seen.add(d.id);
    });
    if (typeof m.dueAt === 'string' && !(timestampMs(m.dueAt) / 1000 > ctx.iat))
      push('/dueAt', 'C5', 'dueAt must be later than the release iat');
    const pt = m.proposedTransaction;
    if (isObject(pt)) {
      const parties = asArray(pt.parties);
      if (
        Array.isArray(pt.parties) &&
        !parties.some((p) => isObject(p) && (p.role === 'CONSIGNEE' || p.role === 'END_USER'))
      ) {
        push('/proposedTransaction/parties', 'C9', 'some party must be CONSIGNEE or END_USER');
      }
      if (pt.exporterDisclosure === 'WITHHELD') {
        parties.forEach((p, j) => {
          if (isObject(p) && (p.role === 'EXPORTER' || p.role === 'APPLICANT')) {
            push(`/proposedTransaction/parties/${j}/role`, 'C9', `WITHHELD allows no ${String(p.role)} party`);
          }
        });
      }
      parties.forEach((p, j) => {
        if (isObject(p))
          out.push(...partyErrors(p.party, ['proposedTransaction', 'parties', String(j), 'party'], NEVER_SKIP));
      });
      out.push(...itemErrors(pt.items, ['proposedTransaction', 'items'], NEVER_SKIP));
    }
  }
  if (type === 'RESPONSE') {
    const unknownRef = m.position === 'UNKNOWN_REFERENCE';
    if (unknownRef && m.rationale !== undefined)
      push('/rationale', 'C6', 'an UNKNOWN_REFERENCE response carries no rationale');
    if (!unknownRef && typeof m.position === 'string' && m.rationale === undefined)
      push('/rationale', 'C6', 'rationale is required');
    if (unknownRef && !isUnknownReferenceHandling(m.handling))
      push('/handling', 'C6', 'an UNKNOWN_REFERENCE response has handling AMBER+STRICT with all three flags true');
    if (m.disclosedParties !== undefined) {
      if (unknownRef) push('/disclosedParties', 'C11', 'never with UNKNOWN_REFERENCE');
      asArray(m.disclosedParties).forEach((p, j) => {
        if (isObject(p) && p.role !== 'EXPORTER' && p.role !== 'APPLICANT')
          push(`/disclosedParties/${j}/role`, 'C11', 'only EXPORTER or APPLICANT parties are disclosed');
        if (isObject(p)) out.push(...partyErrors(p.party, ['disclosedParties', String(j), 'party'], NEVER_SKIP));
      });
    }
  }
  if (type === 'EXTENSION' && typeof m.newDueAt === 'string' && ctx.consultation) {
    const current = timestampMs(ctx.consultation.dueAt);
    if (!(timestampMs(m.newDueAt) > current) || !(ctx.iat * 1000 <= current)) {
      push('/newDueAt', 'C7', 'newDueAt must be later than the current due time, and the extension sent before it');
    }
  }
  if (type === 'OUTCOME') {
    if ((m.decision === 'GRANTED') !== (m.justification !== undefined) && typeof m.decision === 'string') {
      push('/justification', 'C8', 'justification is present iff decision is GRANTED');
    }
    if (
      m.resultingDenialId !== undefined &&
      (m.decision !== 'DENIED' || nodeIdOfUrn(m.resultingDenialId) !== ctx.iss)
    ) {
      push('/resultingDenialId', 'C8', 'resultingDenialId only with DENIED, and a denial of the requester');
    }
  }
  const order = orderError(type, ctx);
  if (order) push('/consultationId', 'C10', order);
  return dedupeErrors(out);
}

export function isUnknownReferenceHandling(h: unknown): boolean {
  if (!isObject(h) || !isObject(h.originatorControl)) return false;
  const oc = h.originatorControl;
  return (
    h.tlp === 'AMBER+STRICT' &&
    Object.keys(h).length === 2 &&
    Object.keys(oc).length === 3 &&
    oc.noOnwardSharing === true &&
    oc.noEvidentialUseWithoutConsent === true &&
    oc.noDowngradeWithoutConsent === true
  );
}

/**
 * C10: REQUEST first and once; one RESPONSE, OUTCOME, WITHDRAWAL; EXTENSION only before RESPONSE;
 * the requester is silent after closing.
 */
function orderError(type: unknown, ctx: ConsultationCheckContext): string | null {
  const c = ctx.consultation;
  if (type === 'REQUEST') return c ? 'a consultation has one REQUEST' : null;
  if (typeof type !== 'string') return null;
  if (!c) return 'unknown consultation';
  if (FROM_REQUESTER.has(type) && (c.hasOutcome || c.hasWithdrawal))
    return 'the requester has closed this consultation';
  if (type === 'RESPONSE' && c.hasResponse) return 'a consultation has at most one RESPONSE';
  if (type === 'EXTENSION' && c.hasResponse) return 'an EXTENSION comes before the RESPONSE';
  return null;
}
