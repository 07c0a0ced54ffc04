// Agreement v1 (docs/records.md §10): rules A1–A4, the redaction paths, and the statement form. Pure.
import { schemas } from '../schema/registry.js';
import { checkRedactPath, type RecordType } from './redaction.js';
import { asArray, dedupeErrors, encodingErrors, isObject, type Json, type ValidationError } from './validation.js';

export interface AgreementCheckOptions {
  /** 'input': as an operator PUTs it; 'statement': as a statement carries it (version and defaults present). */
  form: 'input' | 'statement';
  /** The sending node's own id: `partner` may not be it (A4, sender side). */
  sender?: string;
  /** On PUT: the path's nodeId, which `partner` must equal (A4). */
  pathPartner?: string;
  /** Receiver side: a statement's `partner` must be this node (docs/protocol.md §6.7 check 11). */
  receiver?: string;
}

export function validateAgreement(agreement: unknown, options: AgreementCheckOptions): ValidationError[] {
  const out: ValidationError[] = schemas()
    .validate(options.form === 'statement' ? 'agreement-statement' : 'agreement', agreement)
    .map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message }));
  out.push(...encodingErrors(agreement));
  if (!isObject(agreement)) return out;
  const a = agreement as Json;
  const push = (pointer: string, rule: string, message: string) => out.push({ pointer, rule, message });
  if (typeof a.validFrom === 'string' && typeof a.validUntil === 'string' && a.validFrom > a.validUntil) {
    push('/validUntil', 'A1', 'validFrom must not be after validUntil');
  }
  for (const type of ['denial', 'finding'] as RecordType[]) {
    const f = isObject(a.share) ? a.share[type] : undefined;
    if (!isObject(f)) continue;
    if (f.maxTlp === 'RED') push(`/share/${type}/maxTlp`, 'A2', 'TLP:RED is never shared');
    asArray(f.redact).forEach((p, k) => {
      if (typeof p !== 'string') return;
      const problem = checkRedactPath(p, type);
      if (problem) push(`/share/${type}/redact/${k}`, 'A3', problem);
    });
  }
  if (typeof a.partner === 'string') {
    if (options.pathPartner !== undefined && a.partner !== options.pathPartner)
      push('/partner', 'A4', 'partner must equal the nodeId in the path');
    if (options.sender !== undefined && a.partner === options.sender)
      push('/partner', 'A4', 'an agreement cannot name this node itself');
    if (options.receiver !== undefined && a.partner !== options.receiver)
      push('/partner', 'A4', "a statement's partner must be the receiving node");
  }
  return dedupeErrors(out);
}

export interface Filter {
  maxTlp: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT';
  regimes?: string[];
  destinations?: { include?: string[]; exclude?: string[] };
  controlCodes?: { include?: string[]; exclude?: string[]; includeUnlisted?: boolean };
  redact?: string[];
}

export interface AgreementStatement {
  partner: string;
  reference: string;
  version: number;
  validFrom: string;
  validUntil: string;
  delivery: 'push' | 'pull' | 'both';
  share: { denial?: Filter; finding?: Filter; embargoHours: number; backfill: boolean };
  consultation: { workingDays: number; maxExtensionWorkingDays: number };
}

/** Fills every default in (docs/records.md §10), dropping any `version`: the statement form minus its version. */
export function withDefaults(a: Json): Omit<AgreementStatement, 'version'> {
  const filter = (f: Json): Filter | undefined => {
    if (!isObject(f)) return undefined;
    const copy = structuredClone(f) as Filter;
    if (copy.controlCodes)
      copy.controlCodes = { ...copy.controlCodes, includeUnlisted: copy.controlCodes.includeUnlisted ?? true };
    return copy;
  };
  const share: AgreementStatement['share'] = {
    embargoHours: a.share?.embargoHours ?? 0,
    backfill: a.share?.backfill ?? true,
  };
  const d = filter(a.share?.denial);
  const f = filter(a.share?.finding);
  if (d) share.denial = d;
  if (f) share.finding = f;
  return {
    partner: a.partner,
    reference: a.reference,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    delivery: a.delivery ?? 'both',
    share,
    consultation: {
      workingDays: a.consultation?.workingDays ?? 10,
      maxExtensionWorkingDays: a.consultation?.maxExtensionWorkingDays ?? 20,
    },
  };
}
