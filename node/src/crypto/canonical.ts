// RFC 8785 canonical JSON with the I-JSON rules of brief §6.1. The only place payload bytes are made.
import canonicalize from 'canonicalize';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class CanonicalError extends Error {
  constructor(message: string, readonly pointer: string = '') {
    super(message);
    this.name = 'CanonicalError';
  }
}

/** Finds the first value that breaks I-JSON as entente/1 uses it (integers only, valid Unicode). */
export function ijsonViolation(value: unknown, pointer = ''): CanonicalError | null {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_SAFE) return new CanonicalError('numbers must be integers with |n| ≤ 2^53−1', pointer);
    return null;
  }
  if (typeof value === 'string') return value.isWellFormed() ? null : new CanonicalError('string is not valid Unicode', pointer);
  if (value === null || typeof value === 'boolean') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = ijsonViolation(value[i], `${pointer}/${i}`);
      if (v) return v;
    }
    return null;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!k.isWellFormed()) return new CanonicalError('member name is not valid Unicode', at);
      const bad = ijsonViolation(v, at);
      if (bad) return bad;
    }
    return null;
  }
  return new CanonicalError(`not JSON: ${typeof value}`, pointer);
}

/** The RFC 8785 serialisation of an I-JSON value, as a string. Throws CanonicalError. */
export function canonicalString(value: unknown): string {
  const bad = ijsonViolation(value);
  if (bad) throw bad;
  const s = canonicalize(value);
  if (s === undefined) throw new CanonicalError('value has no JSON form');
  return s;
}

/** The RFC 8785 serialisation of an I-JSON value, as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalString(value), 'utf8');
}

/**
 * Parses payload bytes and accepts them only if they are exactly the canonical form of what they
 * parse to (brief §6.1): this refuses duplicate keys, non-canonical numbers (1.0, 1e2), floats,
 * whitespace, unsorted members and invalid UTF-8.
 */
export function parseCanonical(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CanonicalError('payload is not JSON');
  }
  const again = canonicalString(value);
  if (again !== text) throw new CanonicalError('payload is not in RFC 8785 canonical form (or has a duplicate key)');
  return value;
}
