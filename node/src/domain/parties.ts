// Party and item rules shared by records and consultation messages (docs/records.md §4, §5). Pure.
import { isValidCommodityCode, isValidControlCode, type ControlRef } from './control-codes.js';
import { isValidImo, isValidLei } from './identifiers.js';
import { asArray, isObject, type Json, type ValidationError } from './validation.js';

/** Decides whether a rule that reads the given member (pointer tokens, released space) is skipped. */
export type Skip = (releasedTokens: readonly string[], wildcardTail?: readonly string[]) => boolean;
export const NEVER_SKIP: Skip = () => false;

const ptr = (tokens: readonly (string | number)[]) => tokens.map((t) => '/' + String(t)).join('');

/** P1–P7 for one party at `base` (tokens of the `party` object). */
export function partyErrors(party: Json, base: readonly string[], skip: Skip): ValidationError[] {
  const out: ValidationError[] = [];
  if (!isObject(party)) return out;
  const names = asArray(party.names);
  if (!skip([...base, 'names']) && Array.isArray(party.names)) {
    const primaries = names.filter((n) => isObject(n) && n.type === 'PRIMARY').length;
    if (primaries !== 1)
      out.push({
        pointer: ptr([...base, 'names']),
        rule: 'P1',
        message: `exactly one PRIMARY name required, found ${primaries}`,
      });
  }
  names.forEach((n, j) => {
    if (isObject(n) && typeof n.value === 'string' && n.value.isWellFormed() && n.value.normalize('NFC') !== n.value) {
      out.push({ pointer: ptr([...base, 'names', j, 'value']), rule: 'P7', message: 'a name must be in Unicode NFC' });
    }
  });
  if (!skip([...base, 'kind'])) {
    for (const m of ['birthDates', 'nationalities']) {
      if (party[m] !== undefined && party.kind !== 'PERSON') {
        out.push({ pointer: ptr([...base, m]), rule: 'P2', message: `${m} only for kind PERSON` });
      }
    }
  }
  const seen = new Set<string>();
  asArray(party.identifiers).forEach((id, j) => {
    if (!isObject(id) || typeof id.value !== 'string') return;
    const at = [...base, 'identifiers', j];
    if (id.scheme === 'IMO') {
      if (!isValidImo(id.value))
        out.push({ pointer: ptr([...at, 'value']), rule: 'P3', message: 'IMO number fails its check digit' });
      else if (!skip([...base, 'kind']) && party.kind !== 'VESSEL') {
        out.push({ pointer: ptr([...at, 'scheme']), rule: 'P3', message: 'scheme IMO only for kind VESSEL' });
      }
    }
    if (id.scheme === 'LEI' && !isValidLei(id.value)) {
      out.push({
        pointer: ptr([...at, 'value']),
        rule: 'P4',
        message: 'LEI fails ISO 17442 format or MOD 97-10 check',
      });
    }
    const key = `${String(id.scheme)}\u0000${id.value}`;
    if (seen.has(key)) out.push({ pointer: ptr(at), rule: 'P5', message: 'duplicate (scheme, value) identifier' });
    seen.add(key);
  });
  asArray(party.addresses).forEach((a, j) => {
    if (isObject(a) && a.full === undefined && a.street === undefined && a.city === undefined) {
      const at = [...base, 'addresses', String(j)];
      if (!skip(at)) out.push({ pointer: ptr(at), rule: 'P6', message: 'an address needs full, street or city' });
    }
  });
  return out;
}

/** I1–I5 for the items array at `base`. */
export function itemErrors(items: Json, base: readonly string[], _skip: Skip): ValidationError[] {
  const out: ValidationError[] = [];
  const lineNos = new Set<number>();
  asArray(items).forEach((item, j) => {
    if (!isObject(item)) return;
    const at = [...base, String(j)];
    asArray(item.controlRefs).forEach((ref, k) => {
      if (!isObject(ref)) return;
      if (
        typeof ref.scheme === 'string' &&
        (typeof ref.code === 'string' || ref.code === null) &&
        !isValidControlCode(ref as ControlRef)
      ) {
        out.push({
          pointer: ptr([...at, 'controlRefs', k, 'code']),
          rule: 'I1',
          message: `code does not match the ${String(ref.scheme)} format`,
        });
      }
    });
    const refs = asArray(item.controlRefs);
    refs.forEach((ref, k) => {
      if (!isObject(ref)) return;
      if (refs.slice(0, k).some((o) => isObject(o) && o.scheme === ref.scheme && o.code === ref.code)) {
        out.push({
          pointer: ptr([...at, 'controlRefs', k]),
          rule: 'I2',
          message: 'duplicate control reference in one item',
        });
      }
    });
    if (typeof item.lineNo === 'number') {
      if (lineNos.has(item.lineNo))
        out.push({ pointer: ptr([...at, 'lineNo']), rule: 'I3', message: 'lineNo must be unique' });
      lineNos.add(item.lineNo);
    }
    asArray(item.commodityCodes).forEach((c, k) => {
      if (isObject(c) && typeof c.code === 'string' && !isValidCommodityCode(c as { scheme: string; code: string })) {
        out.push({
          pointer: ptr([...at, 'commodityCodes', k, 'code']),
          rule: 'I4',
          message: `code does not match ${String(c.scheme)}`,
        });
      }
    });
    const declared = isObject(item.declaredAs) ? item.declaredAs.commodityCode : undefined;
    if (
      isObject(declared) &&
      typeof declared.code === 'string' &&
      !isValidCommodityCode(declared as { scheme: string; code: string })
    ) {
      out.push({
        pointer: ptr([...at, 'declaredAs', 'commodityCode', 'code']),
        rule: 'I4',
        message: `code does not match ${String(declared.scheme)}`,
      });
    }
    if (isObject(item.quantity) && typeof item.quantity.value === 'string' && !decimalPositive(item.quantity.value)) {
      out.push({ pointer: ptr([...at, 'quantity', 'value']), rule: 'I5', message: 'quantity must be greater than 0' });
    }
    if (isObject(item.value)) out.push(...moneyErrors(item.value, [...at, 'value']));
  });
  return out;
}

export function moneyErrors(money: Json, base: readonly string[]): ValidationError[] {
  if (
    isObject(money) &&
    typeof money.amount === 'string' &&
    money.amount.startsWith('-') &&
    !/^-0+(\.0+)?$/.test(money.amount)
  ) {
    return [{ pointer: ptr([...base, 'amount']), rule: 'I5', message: 'amount must be ≥ 0' }];
  }
  return [];
}

function decimalPositive(d: string): boolean {
  return /^[0-9]+(\.[0-9]+)?$/.test(d) && /[1-9]/.test(d);
}

export { ptr as pointerOf };
