// Single-version rules of docs/records.md §2–§7 (E, D, F and, through parties.ts, P and I), with the
// redaction relaxations of §8.4. Pure apart from the compiled schema registry.
import { URN_NODE } from '../schema/patterns.js';
import { schemas, type SchemaError } from '../schema/registry.js';
import { addYears, dateOf, partialDateStart } from './dates.js';
import { isValidImo } from './identifiers.js';
import { itemErrors, moneyErrors, partyErrors, pointerOf as ptr, type Skip } from './parties.js';
import { parsePointer } from './pointer.js';
import { checkRedactedList, redactionView, type RecordType } from './redaction.js';
import { asArray, dedupeErrors, encodingErrors, isObject, type Json, type ValidationError } from './validation.js';

export const TERMINAL_DENIAL = new Set(['REVOKED', 'WITHDRAWN', 'EXPIRED']);
export const TERMINAL_FINDING = new Set(['WITHDRAWN']);

export function recordTypeOfId(id: unknown): RecordType | undefined {
  if (typeof id !== 'string') return undefined;
  const m = /^urn:entente:[^:]+:(denial|finding):/.exec(id);
  return m ? (m[1] as RecordType) : undefined;
}

export function nodeIdOfUrn(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  return URN_NODE.exec(id)?.[1];
}

export function isTerminal(type: RecordType, status: unknown): boolean {
  return (type === 'denial' ? TERMINAL_DENIAL : TERMINAL_FINDING).has(String(status));
}

export interface RecordCheckOptions {
  /** The type the caller expects (publication); otherwise taken from the id. */
  expectedType?: RecordType;
  /** The release's `redacted` list: validate as a redacted record (§8.4). */
  redacted?: readonly unknown[];
  /** The country of an originator node's bundle (rule E7); undefined when unknown. */
  countryOf?: (nodeId: string) => string | undefined;
  /** The caller already proved M1 and M3 (a payload that passed the canonical-bytes check). */
  encodingChecked?: boolean;
}

/**
 * Validates one record version. Errors name the member by pointer (into the record as received,
 * `/redacted/k` into the release for R1–R3). An empty list means valid.
 */
export function validateRecord(record: unknown, options: RecordCheckOptions = {}): ValidationError[] {
  if (!isObject(record)) return [{ pointer: '', rule: 'M4', message: 'a record is a JSON object' }];
  const type: RecordType =
    options.expectedType ?? recordTypeOfId(record.id) ?? (record.findingType !== undefined ? 'finding' : 'denial');
  const errors: ValidationError[] = [];
  const redacted = options.redacted;
  const view =
    redacted && redacted.length > 0
      ? redactionView(
          record,
          redacted.map((r) => (typeof r === 'string' ? r : '')),
        )
      : undefined;

  if (redacted && redacted.length > 0) {
    for (const issue of checkRedactedList(record, redacted, type)) {
      errors.push({ pointer: `/redacted/${issue.index}`, rule: issue.rule, message: issue.message });
    }
  }

  const schemaErrors = schemas().validate(type === 'denial' ? 'denial-notice' : 'enforcement-finding', record);
  for (const e of schemaErrors) {
    if (view && relaxed(e, view)) continue;
    errors.push({ pointer: e.pointer, rule: e.rule, message: e.message });
  }
  if (!options.encodingChecked) errors.push(...encodingErrors(record));

  const skipRel: Skip = (rel) => !!view && view.touches(view.toOriginal(rel));
  const reads = (...patterns: string[]) => !!view && patterns.some((p) => view.touches(p.slice(1).split('/')));
  errors.push(...envelopeErrors(record, type, options, reads));
  if (type === 'denial') errors.push(...denialErrors(record, reads));
  else errors.push(...findingErrors(record, reads));
  asArray(record.parties).forEach((entry, i) => {
    if (isObject(entry)) errors.push(...partyErrors(entry.party, ['parties', String(i), 'party'], skipRel));
  });
  errors.push(...itemErrors(record.items, ['items'], skipRel));
  return dedupeErrors(errors);
}

/**
 * §8.4 relaxations of schema errors: a redacted required member counts as present; minItems is off
 * for arrays that lost elements.
 */
function relaxed(e: SchemaError, view: ReturnType<typeof redactionView>): boolean {
  if (e.keyword === 'required') return view.isRedacted(view.toOriginal(parsePointer(e.pointer)));
  if (e.keyword === 'minItems') return view.lostElements(view.toOriginal(parsePointer(e.pointer)));
  return false;
}

type Reads = (...patterns: string[]) => boolean;

function envelopeErrors(r: Json, type: RecordType, options: RecordCheckOptions, reads: Reads): ValidationError[] {
  const out: ValidationError[] = [];
  const push = (pointer: string, rule: string, message: string) => out.push({ pointer, rule, message });
  if (typeof r.id === 'string' && options.expectedType && recordTypeOfId(r.id) && recordTypeOfId(r.id) !== type) {
    push('/id', 'E1', `the id's type segment must be ${type}`);
  }
  const version = r.version;
  if (typeof version === 'number') {
    if (version > 1 && r.supersedes === undefined) push('/supersedes', 'E2', 'supersedes is required when version > 1');
    if (version === 1 && r.supersedes !== undefined)
      push('/supersedes', 'E2', 'supersedes must be absent in version 1');
    if (version > 1 && isObject(r.supersedes)) {
      if (r.supersedes.id !== r.id) push('/supersedes/id', 'E2', 'supersedes.id must equal id');
      if (r.supersedes.version !== version - 1)
        push('/supersedes/version', 'E2', 'supersedes.version must be version − 1');
    }
    if ((r.changeType === 'NEW') !== (version === 1) && typeof r.changeType === 'string') {
      push('/changeType', 'E3', 'changeType is NEW iff version is 1');
    }
  }
  if (type === 'finding' && (r.changeType === 'RENEWAL' || r.changeType === 'FINAL_ASSESSMENT')) {
    push('/changeType', 'E4', `${String(r.changeType)} occurs only in denials`);
  }
  out.push(...statusErrors(r, type));
  const idNode = /^urn:entente:([^:]+):/.exec(typeof r.id === 'string' ? r.id : '')?.[1];
  if (idNode && typeof r.originatorNodeId === 'string' && r.originatorNodeId !== idNode) {
    push('/originatorNodeId', 'E6', 'originatorNodeId must equal the NodeId inside id');
  }
  if (options.countryOf && typeof r.originatorNodeId === 'string' && typeof r.originatorCountry === 'string') {
    const expected = options.countryOf(r.originatorNodeId);
    if (expected !== undefined && expected !== r.originatorCountry) {
      push('/originatorCountry', 'E7', `originatorCountry must be the originator's country (${expected})`);
    }
  }
  if (isTerminal(type, r.status) && r.statusReason === undefined && !reads('/statusReason')) {
    push('/statusReason', 'E8', 'statusReason is required for a terminal status');
  }
  if (typeof r.createdAt === 'string' && typeof r.updatedAt === 'string' && typeof version === 'number') {
    if (version === 1 && r.updatedAt !== r.createdAt)
      push('/updatedAt', 'E9', 'version 1: updatedAt must equal createdAt');
    if (version > 1 && !(r.updatedAt > r.createdAt)) push('/updatedAt', 'E9', 'updatedAt must be later than createdAt');
  }
  // entente/1.1 (docs/protocol.md §14.2): an alert expires after the version it is set on
  const alert = r.alert;
  if (isObject(alert) && typeof alert.expiresAt === 'string' && typeof r.updatedAt === 'string') {
    if (!(alert.expiresAt > r.updatedAt))
      push('/alert/expiresAt', 'L1', 'alert.expiresAt must be later than updatedAt');
  }
  return out;
}

/** E5 and the single-version conditions of §6.3 / §7.3. */
function statusErrors(r: Json, type: RecordType): ValidationError[] {
  const ct = r.changeType;
  const st = r.status;
  if (typeof ct !== 'string' || typeof st !== 'string') return [];
  const err = (pointer: string, message: string): ValidationError[] => [{ pointer, rule: 'E5', message }];
  if (type === 'finding') {
    if ((ct === 'NEW' || ct === 'AMENDMENT') && st === 'WITHDRAWN')
      return err('/status', `${ct} may not carry WITHDRAWN`);
    if (ct === 'STATUS_CHANGE' && st === 'OPEN') return err('/status', 'STATUS_CHANGE may not carry OPEN');
    return [];
  }
  switch (ct) {
    case 'NEW':
    case 'AMENDMENT':
    case 'RENEWAL':
      return st === 'ACTIVE' ? [] : err('/status', `${ct} requires status ACTIVE`);
    case 'STATUS_CHANGE':
      if (!TERMINAL_DENIAL.has(st)) return err('/status', 'STATUS_CHANGE requires REVOKED, WITHDRAWN or EXPIRED');
      if (st === 'REVOKED' && r.decisionType === 'SUSPENSION')
        return err('/changeType', 'a SUSPENSION notice is revoked only by FINAL_ASSESSMENT');
      return [];
    case 'FINAL_ASSESSMENT':
      if (st === 'ACTIVE')
        return r.decisionType === 'SUSPENSION'
          ? err('/decisionType', 'a final assessment to ACTIVE replaces decisionType SUSPENSION')
          : [];
      if (st === 'REVOKED')
        return r.decisionType === 'SUSPENSION'
          ? []
          : err('/decisionType', 'a final assessment to REVOKED keeps decisionType SUSPENSION');
      return err('/status', 'FINAL_ASSESSMENT requires ACTIVE or REVOKED');
    default:
      return [];
  }
}

function denialErrors(r: Json, reads: Reads): ValidationError[] {
  const out: ValidationError[] = [];
  const push = (pointer: string, rule: string, message: string) => out.push({ pointer, rule, message });
  const regimes = asArray(r.regimes);
  if (
    Array.isArray(r.regimes) &&
    !reads('/regimes', '/waTier') &&
    regimes.includes('WA') !== (r.waTier !== undefined)
  ) {
    push('/waTier', 'D1', 'waTier is present iff regimes contains WA');
  }
  if (typeof r.listBasis === 'string' && !reads('/listBasis')) {
    asArray(r.items).forEach((item, j) => {
      if (!isObject(item) || !Array.isArray(item.controlRefs)) return;
      const refs = asArray(item.controlRefs).filter(isObject);
      const hasUnlisted = refs.some((c) => c.scheme === 'UNLISTED');
      const hasListed = refs.some((c) => c.scheme !== 'UNLISTED');
      if (r.listBasis !== 'LISTED' && !hasUnlisted)
        push(`/items/${j}/controlRefs`, 'D2', 'a catch-all denial needs an UNLISTED ref in every item');
      if (r.listBasis === 'LISTED' && !hasListed)
        push(`/items/${j}/controlRefs`, 'D3', 'a LISTED denial needs a listed ref in every item');
    });
  }
  if (
    asArray(r.reasons).includes('OTHER') &&
    r.reasonNarrative === undefined &&
    !reads('/reasons', '/reasonNarrative')
  ) {
    push('/reasonNarrative', 'D4', 'reasons OTHER requires reasonNarrative');
  }
  if (typeof r.exporterDisclosure === 'string' && r.exporterDisclosure !== 'INCLUDED') {
    asArray(r.parties).forEach((p, j) => {
      if (isObject(p) && (p.role === 'EXPORTER' || p.role === 'APPLICANT')) {
        push(
          `/parties/${j}/role`,
          'D5',
          `exporterDisclosure ${String(r.exporterDisclosure)} allows no ${String(p.role)} party`,
        );
      }
    });
  }
  if (Array.isArray(r.parties) && !reads('/parties/*/role')) {
    if (!r.parties.some((p: Json) => isObject(p) && (p.role === 'CONSIGNEE' || p.role === 'END_USER'))) {
      push('/parties', 'D6', 'some party must be CONSIGNEE or END_USER');
    }
  }
  if (
    typeof r.decisionDate === 'string' &&
    typeof r.notifiedAt === 'string' &&
    typeof r.createdAt === 'string' &&
    !reads('/decisionDate', '/notifiedAt')
  ) {
    if (!(r.decisionDate <= dateOf(r.notifiedAt)) || !(r.notifiedAt <= r.createdAt)) {
      push('/notifiedAt', 'D7', 'decisionDate ≤ date(notifiedAt) and notifiedAt ≤ createdAt');
    }
  }
  if (
    typeof r.reviewDueOn === 'string' &&
    typeof r.decisionDate === 'string' &&
    !reads('/reviewDueOn', '/decisionDate')
  ) {
    const due = r.reviewDueOn;
    if (!(due > r.decisionDate)) push('/reviewDueOn', 'D8', 'reviewDueOn must be after decisionDate');
    else if (r.changeType === 'NEW' && due > addYears(r.decisionDate, 3))
      push('/reviewDueOn', 'D8', 'reviewDueOn at most 3 years after decisionDate');
    else if (r.changeType === 'RENEWAL' && typeof r.updatedAt === 'string') {
      const d = dateOf(r.updatedAt);
      if (!(d < due) || due > addYears(d, 3))
        push('/reviewDueOn', 'D8', 'a renewal moves reviewDueOn to within 3 years after the renewal');
    }
  }
  if (typeof r.decisionType === 'string' && !reads('/suspension')) {
    if ((r.decisionType === 'SUSPENSION') !== (r.suspension !== undefined))
      push('/suspension', 'D9', 'suspension is present iff decisionType is SUSPENSION');
    else if (
      isObject(r.suspension) &&
      typeof r.suspension.finalAssessmentDue === 'string' &&
      typeof r.decisionDate === 'string' &&
      r.suspension.finalAssessmentDue < r.decisionDate
    ) {
      push('/suspension/finalAssessmentDue', 'D9', 'finalAssessmentDue must not be before decisionDate');
    }
  }
  if (r.decisionType === 'TRANSIT_PROHIBITION') {
    asArray(r.items).forEach((item, j) => {
      if (isObject(item) && item.technicalParameters === undefined && !reads(`/items/*/technicalParameters`)) {
        push(`/items/${j}/technicalParameters`, 'D10', 'a transit prohibition needs technicalParameters on every item');
      }
    });
    if (
      Array.isArray(r.parties) &&
      !reads('/parties/*/role') &&
      !r.parties.some((p: Json) => isObject(p) && p.role === 'END_USER')
    ) {
      push('/parties', 'D10', 'a transit prohibition needs an END_USER party');
    }
  }
  asArray(r.relatedDenials).forEach((d, k) => {
    if (d === r.id) push(`/relatedDenials/${k}`, 'D11', 'relatedDenials may not contain the record itself');
  });
  return out;
}

const PENALTY_TYPES = new Set(['ADMIN_PENALTY', 'CRIMINAL_CONVICTION']);
function findingErrors(r: Json, reads: Reads): ValidationError[] {
  const out: ValidationError[] = [];
  const push = (pointer: string, rule: string, message: string) => out.push({ pointer, rule, message });
  const ft = r.findingType;
  if (PENALTY_TYPES.has(ft)) {
    if (r.penalty === undefined && !reads('/penalty')) push('/penalty', 'F1', `${String(ft)} requires penalty`);
    if (r.legalReference === undefined && !reads('/legalReference'))
      push('/legalReference', 'F1', `${String(ft)} requires legalReference`);
  }
  if (ft === 'SEIZURE' || ft === 'DETENTION') {
    if (r.location === undefined && !reads('/location')) push('/location', 'F2', `${String(ft)} requires location`);
    if (asArray(r.items).length === 0 && !reads('/items'))
      push('/items', 'F2', `${String(ft)} requires at least one item`);
  }
  if (ft === 'PROCUREMENT_NETWORK' && asArray(r.parties).length < 2 && !reads('/parties'))
    push('/parties', 'F3', 'a procurement network has at least 2 parties');
  if (
    ft === 'FRONT_COMPANY' &&
    !reads('/parties/*/role') &&
    !asArray(r.parties).some((p) => isObject(p) && p.role === 'FRONT_COMPANY')
  ) {
    push('/parties', 'F3', 'a FRONT_COMPANY finding needs a FRONT_COMPANY party');
  }
  if (
    isObject(r.handling) &&
    r.handling.tlp === 'CLEAR' &&
    r.publicSourceUrl === undefined &&
    !reads('/publicSourceUrl')
  ) {
    push('/publicSourceUrl', 'F4', 'TLP:CLEAR requires publicSourceUrl');
  }
  if (
    isObject(r.location) &&
    typeof r.location.unLocode === 'string' &&
    typeof r.location.country === 'string' &&
    !r.location.unLocode.startsWith(r.location.country)
  ) {
    push('/location/unLocode', 'F5', 'unLocode must start with location.country');
  }
  if (
    typeof r.observedOn === 'string' &&
    typeof r.reportedAt === 'string' &&
    partialDateStart(r.observedOn) > dateOf(r.reportedAt)
  ) {
    push('/observedOn', 'F6', 'observedOn must not be after date(reportedAt)');
  }
  if (typeof r.reportedAt === 'string' && typeof r.createdAt === 'string' && !(r.reportedAt <= r.createdAt)) {
    push('/reportedAt', 'F7', 'reportedAt must not be after createdAt');
  }
  if (asArray(r.redFlags).includes('OTHER') && r.redFlagNotes === undefined && !reads('/redFlagNotes')) {
    push('/redFlagNotes', 'F8', 'redFlags OTHER requires redFlagNotes');
  }
  if (isObject(r.penalty) && !reads('/penalty/kind', '/penalty/amount', '/penalty/termMonths')) {
    const k = r.penalty.kind;
    if ((k === 'CIVIL_FINE' || k === 'CRIMINAL_FINE') && r.penalty.amount === undefined)
      push('/penalty/amount', 'F9', `${String(k)} requires amount`);
    if (k === 'IMPRISONMENT' && r.penalty.termMonths === undefined)
      push('/penalty/termMonths', 'F9', 'IMPRISONMENT requires termMonths');
  }
  if (isObject(r.penalty) && isObject(r.penalty.amount))
    out.push(...moneyErrors(r.penalty.amount, ['penalty', 'amount']));
  if (isObject(r.conveyance) && typeof r.conveyance.vesselImo === 'string') {
    if (!isValidImo(r.conveyance.vesselImo) || r.conveyance.mode !== 'SEA') {
      push('/conveyance/vesselImo', 'F10', 'vesselImo must pass the IMO check and requires mode SEA');
    }
  }
  asArray(r.relatedFindings).forEach((f, k) => {
    if (f === r.id) push(`/relatedFindings/${k}`, 'F11', 'relatedFindings may not contain the record itself');
  });
  return out;
}

export { ptr };
