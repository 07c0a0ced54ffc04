// Record lifecycle at the originating node (docs/records.md §2.1, §6.3, §7.3): what the node assigns,
// the defaults of version 1, the allowed transitions, derived labels and search terms. Pure.
import { addDays, addYears, dateOf, todayUtc } from './dates.js';
import { normaliseControlRef, type ControlRef } from './control-codes.js';
import type { RecordType } from './redaction.js';
import { isTerminal } from './record-rules.js';
import { asArray, isObject, type Json, type ValidationError } from './validation.js';

/** Members the node assigns on every version; client values are ignored. */
export const ASSIGNED = [
  'id',
  'version',
  'supersedes',
  'changeType',
  'originatorNodeId',
  'originatorCountry',
  'createdAt',
  'updatedAt',
] as const;

/** Members an AMENDMENT may not change (besides the assigned ones). */
export function fixedInAmendment(type: RecordType): string[] {
  return type === 'denial'
    ? ['originatorReference', 'status', 'decisionType', 'reviewDueOn', 'notifiedAt']
    : ['originatorReference', 'status', 'reportedAt'];
}

export const FINDING_ORDER = ['OPEN', 'UNDER_INVESTIGATION', 'ADJUDICATED', 'UNDER_APPEAL', 'CLOSED'];

export function withoutAssigned(input: Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(isObject(input) ? input : {})) {
    if (!(ASSIGNED as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}

export interface Envelope {
  id: string;
  version: number;
  changeType: 'NEW' | 'AMENDMENT' | 'RENEWAL' | 'STATUS_CHANGE' | 'FINAL_ASSESSMENT';
  originatorNodeId: string;
  originatorCountry: string;
  createdAt: string;
  updatedAt: string;
}

/** Puts the envelope members in place (and `supersedes` for version > 1). */
export function withEnvelope(body: Record<string, Json>, env: Envelope): Record<string, Json> {
  const out: Record<string, Json> = {
    ...body,
    id: env.id,
    version: env.version,
    changeType: env.changeType,
    originatorNodeId: env.originatorNodeId,
    originatorCountry: env.originatorCountry,
    createdAt: env.createdAt,
    updatedAt: env.updatedAt,
  };
  if (env.version > 1) out.supersedes = { id: env.id, version: env.version - 1 };
  else delete out.supersedes;
  return out;
}

/** Version-1 defaults the client may omit (docs/records.md §2.1). */
/**
 * Members the node fills on a new record from others (reviewDueOn from decisionDate): when one is
 * missing, it is because its source is, which is reported itself; the operator never writes it.
 */
export const FILLED_FROM_OTHERS: Record<RecordType, readonly string[]> = {
  denial: ['reviewDueOn'],
  finding: [],
};

export function applyNewDefaults(
  type: RecordType,
  body: Record<string, Json>,
  createdAt: string,
): Record<string, Json> {
  const out = { ...body };
  if (type === 'denial') {
    out.status ??= 'ACTIVE';
    out.notifiedAt ??= createdAt;
    if (
      out.reviewDueOn === undefined &&
      typeof out.decisionDate === 'string' &&
      /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(out.decisionDate)
    ) {
      out.reviewDueOn = addYears(out.decisionDate, 3);
    }
  } else {
    out.status ??= 'OPEN';
    out.reportedAt ??= createdAt;
  }
  return out;
}

/** updatedAt of a later version: max(now, previous updatedAt + 1 s). */
export function nextUpdatedAt(nowTs: string, previous: string): string {
  const plusOne = new Date(Date.parse(previous) + 1000).toISOString().replace('.000Z', 'Z');
  return nowTs > plusOne ? nowTs : plusOne;
}

export type StatusRequest =
  | { status: string; reason: string }
  | { renew: { reviewDueOn: string }; reason: string }
  | { finalAssessment: { decisionType: string }; reason: string };

export interface Transition {
  changeType: Envelope['changeType'];
  /** The new body before the envelope is applied. */
  body: Record<string, Json>;
}

export class TransitionError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
    readonly kind: 'transition' | 'validation' = 'transition',
  ) {
    super(message);
  }
}

/** Computes the next version's body for a status request, or throws TransitionError. */
export function statusTransition(type: RecordType, current: Record<string, Json>, req: StatusRequest): Transition {
  const status = current.status as string;
  if (isTerminal(type, status))
    throw new TransitionError(`the record is ${status}: a terminal status has no later version`, '/status');
  const body: Record<string, Json> = { ...current, statusReason: req.reason };
  if ('renew' in req) {
    if (type !== 'denial' || status !== 'ACTIVE')
      throw new TransitionError('only an ACTIVE denial is renewed', '/renew');
    if (!(req.renew.reviewDueOn > String(current.reviewDueOn))) {
      throw new TransitionError(
        `reviewDueOn must be later than the current ${String(current.reviewDueOn)}`,
        '/renew/reviewDueOn',
        'validation',
      );
    }
    body.reviewDueOn = req.renew.reviewDueOn;
    return { changeType: 'RENEWAL', body };
  }
  if ('finalAssessment' in req) {
    if (type !== 'denial' || status !== 'ACTIVE' || current.decisionType !== 'SUSPENSION') {
      throw new TransitionError(
        'a final assessment applies to an ACTIVE denial with decisionType SUSPENSION',
        '/finalAssessment',
      );
    }
    body.decisionType = req.finalAssessment.decisionType;
    delete body.suspension;
    return { changeType: 'FINAL_ASSESSMENT', body };
  }
  const to = req.status;
  if (type === 'denial') {
    if (!['REVOKED', 'WITHDRAWN', 'EXPIRED'].includes(to))
      throw new TransitionError(
        `a denial moves from ACTIVE only to REVOKED, WITHDRAWN or EXPIRED (not ${to})`,
        '/status',
      );
    body.status = to;
    if (to === 'REVOKED' && current.decisionType === 'SUSPENSION') return { changeType: 'FINAL_ASSESSMENT', body };
    return { changeType: 'STATUS_CHANGE', body };
  }
  if (to !== 'WITHDRAWN') {
    const from = FINDING_ORDER.indexOf(status);
    const dest = FINDING_ORDER.indexOf(to);
    if (dest < 0 || dest <= from)
      throw new TransitionError(
        `a finding moves forward only (${FINDING_ORDER.join(' → ')}) or to WITHDRAWN; ${status} → ${to} is not allowed`,
        '/status',
      );
  }
  body.status = to;
  return { changeType: 'STATUS_CHANGE', body };
}

/** Members an amendment tried to change that it may not. */
export function amendmentViolations(
  type: RecordType,
  current: Record<string, Json>,
  proposed: Record<string, Json>,
): ValidationError[] {
  const out: ValidationError[] = [];
  for (const m of fixedInAmendment(type)) {
    if (JSON.stringify(current[m]) !== JSON.stringify(proposed[m])) {
      out.push({
        pointer: `/${m}`,
        rule: 'amendment',
        message: `${m} may not change in an amendment (it must equal ${JSON.stringify(current[m]) ?? 'absent'})`,
      });
    }
  }
  return out;
}

/** Derived labels (docs/records.md §6.4), never statuses; plus a reminder before reviewDueOn. */
export function labels(type: RecordType, record: Json, nowMs: number, reminderDays: number): string[] {
  if (type !== 'denial' || !isObject(record) || record.status !== 'ACTIVE') return [];
  const today = todayUtc(nowMs);
  const out: string[] = [];
  if (typeof record.reviewDueOn === 'string') {
    if (today > record.reviewDueOn) out.push('review-overdue');
    else if (addDays(today, reminderDays) >= record.reviewDueOn) out.push('review-due-soon');
  }
  if (
    record.decisionType === 'SUSPENSION' &&
    isObject(record.suspension) &&
    typeof record.suspension.finalAssessmentDue === 'string' &&
    today > record.suspension.finalAssessmentDue
  ) {
    out.push('final-assessment-overdue');
  }
  return out;
}

export interface SearchTerm {
  kind: 'regime' | 'control' | 'destination';
  value: string;
}

/** What the record search filters on: regimes, normalised control codes, destinations. */
export function searchTerms(type: RecordType, record: Json): SearchTerm[] {
  const out: SearchTerm[] = [];
  if (!isObject(record)) return out;
  for (const r of asArray(record.regimes)) if (typeof r === 'string') out.push({ kind: 'regime', value: r });
  for (const item of asArray(record.items)) {
    for (const ref of asArray(isObject(item) ? item.controlRefs : [])) {
      if (!isObject(ref)) continue;
      const n = normaliseControlRef(ref as unknown as ControlRef);
      if (n) out.push({ kind: 'control', value: n });
    }
  }
  const dests =
    type === 'denial'
      ? [record.destinationCountry]
      : [
          isObject(record.routing) ? record.routing.declaredDestination : undefined,
          isObject(record.routing) ? record.routing.suspectedDestination : undefined,
          isObject(record.location) ? record.location.country : undefined,
        ];
  for (const d of dests) if (typeof d === 'string') out.push({ kind: 'destination', value: d });
  return out;
}

export { dateOf };
