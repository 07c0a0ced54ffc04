// decide(): the one pure function that says what a partner receives of a record version
// (docs/protocol.md §5, docs/records.md §10). `explain` calls it too and shows its reasons.
import { isTerminal } from '../domain/record-rules.js';
import { normaliseControlRef, type ControlRef } from '../domain/control-codes.js';
import { applyRedaction, type RecordType } from '../domain/redaction.js';
import type { AgreementStatement, Filter } from '../domain/agreement-rules.js';
import { asArray, isObject, type Json } from '../domain/validation.js';

export const TLP_ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;

export interface Holding {
  /** Highest version released to the partner; undefined if never released. */
  version?: number;
  /** A tombstone recalled what it held. */
  recalled?: boolean;
}

export interface DecideInput {
  agreement: AgreementStatement | null;
  /** The partner is registered (not removed). */
  registered: boolean;
  type: RecordType;
  /** The unredacted record version. */
  record: Record<string, Json>;
  holding: Holding;
  /** When version 1 of the record was published (ms), for the embargo. */
  firstPublishedAt: number;
  now: number;
}

export type Decision =
  | { action: 'release'; record: Record<string, Json>; redacted: string[]; reasons: string[]; notBefore?: number }
  | { action: 'tombstone'; ref: { id: string; version: number }; reasons: string[] }
  | { action: 'nothing'; reasons: string[]; failedStep?: number };

function todayUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Steps 4–6 (filters); returns the reason it fails, or null. */
function filterFailure(type: RecordType, f: Filter, r: Record<string, Json>): { step: number; reason: string } | null {
  if (type === 'denial' && f.regimes !== undefined) {
    const regimes = asArray(r.regimes);
    if (!f.regimes.some((x) => regimes.includes(x)))
      return {
        step: 4,
        reason: `step 4: regimes ${JSON.stringify(regimes)} share nothing with the agreement's ${JSON.stringify(f.regimes)}`,
      };
  }
  if (f.destinations) {
    const values: string[] =
      type === 'denial'
        ? [r.destinationCountry].filter((x): x is string => typeof x === 'string')
        : [
            isObject(r.routing) ? r.routing.declaredDestination : undefined,
            isObject(r.routing) ? r.routing.suspectedDestination : undefined,
            isObject(r.location) ? r.location.country : undefined,
          ].filter((x): x is string => typeof x === 'string');
    const { include, exclude } = f.destinations;
    const excluded = values.find((v) => exclude?.includes(v));
    if (excluded) return { step: 5, reason: `step 5: destination ${excluded} is excluded` };
    if (include !== undefined) {
      if (values.length === 0)
        return {
          step: 5,
          reason: 'step 5: the finding names no destination and the agreement includes only listed ones',
        };
      if (!values.some((v) => include.includes(v)))
        return { step: 5, reason: `step 5: destinations ${JSON.stringify(values)} are not included` };
    }
  }
  if (f.controlCodes) {
    const items = asArray(r.items).filter(isObject);
    if (!(type === 'finding' && items.length === 0)) {
      const { include, exclude, includeUnlisted = true } = f.controlCodes;
      const normalised = items.map((item) =>
        asArray(item.controlRefs)
          .filter(isObject)
          .map((ref) => normaliseControlRef(ref as unknown as ControlRef)),
      );
      const excluded = normalised.flat().find((n) => n !== null && exclude?.some((p) => n.startsWith(p)));
      if (excluded) return { step: 6, reason: `step 6: control code ${excluded} is excluded` };
      const matches = normalised.some((refs) => {
        const listed = refs.filter((n): n is string => n !== null);
        if (listed.length === 0) return includeUnlisted;
        return include === undefined || listed.some((n) => include.some((p) => n.startsWith(p)));
      });
      if (!matches) return { step: 6, reason: "step 6: no item matches the agreement's control codes" };
    }
  }
  return null;
}

export function decide(input: DecideInput): Decision {
  const { agreement, type, record, holding, now } = input;
  const held = holding.version !== undefined && !holding.recalled;
  const reasons: string[] = [];
  if (!agreement || !input.registered)
    return {
      action: 'nothing',
      failedStep: 1,
      reasons: [`step 1: ${!input.registered ? 'the partner is not registered' : 'no agreement is in force'}`],
    };
  const today = todayUtc(now);
  if (today < agreement.validFrom || today > agreement.validUntil) {
    return {
      action: 'nothing',
      failedStep: 1,
      reasons: [
        `step 1: today ${today} is outside the agreement's validity ${agreement.validFrom}..${agreement.validUntil}`,
      ],
    };
  }
  reasons.push(`step 1: agreement ${agreement.reference} v${agreement.version} in force`);
  const terminal = isTerminal(type, record.status);
  if (terminal && !held) {
    // a terminal version reaches holders; one who never held (or no longer holds) the record gets nothing
    return {
      action: 'nothing',
      reasons: [
        ...reasons,
        `the version is ${String(record.status)} and the partner does not hold the record: a terminal version goes only to holders`,
      ],
    };
  }
  const recall = (why: string): Decision =>
    held
      ? {
          action: 'tombstone',
          ref: { id: record.id, version: holding.version! },
          reasons: [...reasons, why, `recall: the partner holds version ${holding.version}`],
        }
      : { action: 'nothing', reasons: [...reasons, why] };
  const filter = agreement.share[type];
  if (!filter) return recall(`step 2: the agreement does not share ${type}s`);
  reasons.push(`step 2: ${type}s are shared`);
  const tlp = isObject(record.handling) ? String(record.handling.tlp) : 'RED';
  if (tlp === 'RED') return recall('step 3: TLP:RED is never shared');
  if (TLP_ORDER.indexOf(tlp as (typeof TLP_ORDER)[number]) > TLP_ORDER.indexOf(filter.maxTlp))
    return recall(`step 3: TLP:${tlp} exceeds maxTlp ${filter.maxTlp}`);
  reasons.push(`step 3: TLP:${tlp} ≤ ${filter.maxTlp}`);
  if (terminal && held) {
    reasons.push('steps 4–6 skipped: a terminal version reaches every holder');
  } else {
    const fail = filterFailure(type, filter, record);
    if (fail) return recall(fail.reason);
    reasons.push('steps 4–6: regimes, destinations and control codes match');
  }
  const { record: redactedRecord, redacted } = applyRedaction(record, filter.redact ?? []);
  reasons.push(redacted.length ? `step 7: redacts ${redacted.join(', ')}` : 'step 7: nothing redacted');
  // Embargo: only before the record's first release to this partner.
  if (holding.version === undefined && agreement.share.embargoHours > 0) {
    const notBefore = input.firstPublishedAt + agreement.share.embargoHours * 3_600_000;
    if (now < notBefore) {
      if (terminal)
        return {
          action: 'nothing',
          reasons: [...reasons, `embargo until ${new Date(notBefore).toISOString()}; the version is terminal`],
        };
      return {
        action: 'release',
        record: redactedRecord,
        redacted,
        notBefore,
        reasons: [...reasons, `embargoed until ${new Date(notBefore).toISOString()}`],
      };
    }
  }
  return { action: 'release', record: redactedRecord, redacted, reasons };
}
