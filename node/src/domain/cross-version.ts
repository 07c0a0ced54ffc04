// Cross-version rules (what each change type may change, the status order of denials and findings,
// the members that are the same in every version) as a receiver can check them against the version
// it holds (docs/protocol.md, Ingest: "Cross-version rules"). They bind the originator; a receiver
// that sees one broken applies the version anyway and raises an alarm. Both views may be redacted,
// each by its own agreement, so a member redacted in either is not compared. Pure.
import { FINDING_ORDER, fixedInAmendment } from './lifecycle.js';
import { isTerminal } from './record-rules.js';
import type { RecordType } from './redaction.js';
import type { Json } from './validation.js';

export interface VersionView {
  version: number;
  record: Record<string, Json>;
  /** The release's `redacted` pointers (into the unredacted record). */
  redacted: readonly string[];
}

export type CrossVersionRule = 'terminal' | 'same-in-every-version' | 'change-type' | 'may-not-change';

export interface CrossVersionViolation {
  rule: CrossVersionRule;
  pointer: string;
  message: string;
}

/** Members every version carries unchanged (besides `id` and the originator, which ingest checks itself). */
function sameInEveryVersion(type: RecordType): string[] {
  return type === 'denial'
    ? ['originatorReference', 'createdAt', 'originatorCountry', 'notifiedAt']
    : ['originatorReference', 'createdAt', 'originatorCountry', 'reportedAt'];
}

/** Members every version sets anew. */
const PER_VERSION = new Set(['version', 'supersedes', 'changeType', 'updatedAt']);

/**
 * What each change type may change besides the per-version members (docs/operator-api.md,
 * Publishing); null for AMENDMENT, which may change anything but fixedInAmendment().
 */
function mayChange(changeType: string): Set<string> | null {
  switch (changeType) {
    case 'AMENDMENT':
      return null;
    case 'RENEWAL':
      return new Set(['reviewDueOn', 'statusReason']);
    case 'FINAL_ASSESSMENT':
      return new Set(['decisionType', 'suspension', 'status', 'statusReason']);
    case 'STATUS_CHANGE':
      return new Set(['status', 'statusReason']);
    default:
      return new Set();
  }
}

/** A top-level member is comparable when neither view redacted it or anything inside it. */
function comparable(member: string, held: VersionView, next: VersionView): boolean {
  const at = `/${member.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return ![...held.redacted, ...next.redacted].some((p) => p === at || p.startsWith(at + '/'));
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The cross-version rules `next` breaks against `held`, an earlier version of the same record from
 * the same originator. Rules that need the immediate predecessor apply only when `held` is it.
 */
export function crossVersionViolations(
  type: RecordType,
  held: VersionView,
  next: VersionView,
): CrossVersionViolation[] {
  const h = held.record;
  const n = next.record;
  const out: CrossVersionViolation[] = [];
  if (isTerminal(type, h.status)) {
    return [
      {
        rule: 'terminal',
        pointer: '/version',
        message: `version ${held.version} is ${String(h.status)}: a terminal status has no later version`,
      },
    ];
  }
  for (const m of sameInEveryVersion(type)) {
    if (h[m] !== undefined && n[m] !== undefined && comparable(m, held, next) && !same(h[m], n[m])) {
      out.push({
        rule: 'same-in-every-version',
        pointer: `/${m}`,
        message: `${m} is the same in every version (version ${held.version}: ${JSON.stringify(h[m])})`,
      });
    }
  }
  // findings move forward only (or to WITHDRAWN), across any number of versions
  if (
    type === 'finding' &&
    n.status !== 'WITHDRAWN' &&
    FINDING_ORDER.indexOf(String(n.status)) < FINDING_ORDER.indexOf(String(h.status))
  ) {
    out.push({
      rule: 'change-type',
      pointer: '/status',
      message: `a finding moves forward only: ${String(h.status)} (version ${held.version}) → ${String(n.status)}`,
    });
  }
  if (next.version !== held.version + 1) return out;

  const changeType = String(n.changeType);
  if (
    type === 'denial' &&
    changeType === 'FINAL_ASSESSMENT' &&
    comparable('decisionType', held, next) &&
    h.decisionType !== 'SUSPENSION'
  ) {
    out.push({
      rule: 'change-type',
      pointer: '/changeType',
      message: `FINAL_ASSESSMENT applies to an ACTIVE SUSPENSION; version ${held.version} has decisionType ${String(h.decisionType)}`,
    });
  }
  if (
    type === 'finding' &&
    changeType === 'STATUS_CHANGE' &&
    n.status !== 'WITHDRAWN' &&
    FINDING_ORDER.indexOf(String(n.status)) <= FINDING_ORDER.indexOf(String(h.status))
  ) {
    if (!out.some((v) => v.pointer === '/status')) {
      out.push({
        rule: 'change-type',
        pointer: '/status',
        message: `a STATUS_CHANGE of a finding moves it forward: ${String(h.status)} → ${String(n.status)}`,
      });
    }
  }
  if (
    type === 'denial' &&
    changeType === 'RENEWAL' &&
    comparable('reviewDueOn', held, next) &&
    typeof h.reviewDueOn === 'string' &&
    typeof n.reviewDueOn === 'string' &&
    !(n.reviewDueOn > h.reviewDueOn)
  ) {
    out.push({
      rule: 'may-not-change',
      pointer: '/reviewDueOn',
      message: `a RENEWAL moves reviewDueOn later than ${h.reviewDueOn}`,
    });
  }
  const allowed = mayChange(changeType);
  const fixed =
    allowed === null
      ? fixedInAmendment(type)
      : [...new Set([...Object.keys(h), ...Object.keys(n)])].filter((m) => !PER_VERSION.has(m) && !allowed.has(m));
  for (const m of fixed) {
    if (!comparable(m, held, next) || same(h[m], n[m])) continue;
    if (out.some((v) => v.pointer === `/${m}`)) continue;
    out.push({
      rule: 'may-not-change',
      pointer: `/${m}`,
      message: `${m} may not change in ${changeType === 'AMENDMENT' ? 'an' : 'a'} ${changeType}`,
    });
  }
  return out;
}
