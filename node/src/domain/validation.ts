// Shared shapes and helpers of the domain validators. Pure.

export interface ValidationError {
  /** RFC 6901 pointer into the object as received. */
  pointer: string;
  /** docs/records.md rule id (E3, P1 …) or M1–M4 for encoding and schema. */
  rule: string;
  message: string;
}

// Validators take untrusted JSON: members are read defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? v : [];
}

/** M1 and M3 over a whole JSON value: integers only within ±(2^53−1), valid Unicode in strings and keys. */
export function encodingErrors(value: unknown, base = ''): ValidationError[] {
  const out: ValidationError[] = [];
  const walk = (v: unknown, p: string): void => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v))
        out.push({ pointer: p, rule: 'M1', message: 'numbers must be integers with |n| ≤ 2^53−1' });
    } else if (typeof v === 'string') {
      if (!v.isWellFormed())
        out.push({ pointer: p, rule: 'M3', message: 'string is not valid Unicode (lone surrogate)' });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}/${i}`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const token = k.replace(/~/g, '~0').replace(/\//g, '~1');
        if (!k.isWellFormed())
          out.push({ pointer: `${p}/${token}`, rule: 'M3', message: 'member name is not valid Unicode' });
        walk(x, `${p}/${token}`);
      }
    }
  };
  walk(value, base);
  return out;
}

export function dedupeErrors(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.pointer}\u0000${e.rule}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
