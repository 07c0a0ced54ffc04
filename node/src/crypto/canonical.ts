// RFC 8785 canonical JSON with the I-JSON rules of docs/protocol.md §6.1. The only place payload bytes are made.

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class CanonicalError extends Error {
  constructor(
    message: string,
    readonly pointer: string = '',
  ) {
    super(message);
    this.name = 'CanonicalError';
  }
}

/** Finds the first value that breaks I-JSON as entente/1 uses it (integers only, valid Unicode). */
export function ijsonViolation(value: unknown, pointer = ''): CanonicalError | null {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_SAFE)
      return new CanonicalError('numbers must be integers with |n| ≤ 2^53−1', pointer);
    return null;
  }
  if (typeof value === 'string')
    return value.isWellFormed() ? null : new CanonicalError('string is not valid Unicode', pointer);
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

/**
 * A value's canonical text, already made (a stored canonical record body): canonicalString writes it
 * verbatim instead of serialising the value again. Only for text this node made with canonicalString.
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}

/**
 * The RFC 8785 serialisation of an I-JSON value, as a string, in one pass that also enforces the
 * entente/1 I-JSON rules (integers only, valid Unicode). Members are sorted by UTF-16 code units
 * (JavaScript's default sort), strings and integers are serialised as ECMAScript's JSON.stringify
 * does, which is what RFC 8785 specifies; members whose value is undefined are dropped, as
 * JSON.stringify does. Property-tested against `canonicalize` (the reference by an RFC 8785 author).
 * Throws CanonicalError naming the offending pointer.
 */
export function canonicalString(value: unknown): string {
  return serialise(value, '');
}

function serialise(v: unknown, at: string): string {
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw new CanonicalError('string is not valid Unicode', at);
      return JSON.stringify(v);
    case 'number':
      if (!Number.isSafeInteger(v)) throw new CanonicalError('numbers must be integers with |n| ≤ 2^53−1', at);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof CanonicalText) return v.text;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          out += v[i] === undefined ? 'null' : serialise(v[i], `${at}/${i}`);
        }
        return out + ']';
      }
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
        return serialise((v as { toJSON(): unknown }).toJSON(), at);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const x = obj[k];
        if (x === undefined) continue;
        const token = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!k.isWellFormed()) throw new CanonicalError('member name is not valid Unicode', token);
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(k) + ':' + serialise(x, token);
      }
      return out + '}';
    }
    default:
      throw new CanonicalError(`not JSON: ${typeof v}`, at);
  }
}

/** The RFC 8785 serialisation of an I-JSON value, as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalString(value), 'utf8');
}

/**
 * Parses payload bytes and accepts them only if they are exactly the canonical form of what they
 * parse to (docs/protocol.md §6.1): this refuses duplicate keys, non-canonical numbers (1.0, 1e2), floats,
 * whitespace, unsorted members and invalid UTF-8.
 */
export function parseCanonical(bytes: Uint8Array): unknown {
  return parseCanonicalText(bytes).value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** parseCanonical, also returning the text (which is then the canonical form). */
export function parseCanonicalText(bytes: Uint8Array): { value: unknown; text: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CanonicalError('payload is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CanonicalError('payload is not JSON');
  }
  const again = canonicalString(value);
  if (again !== text) throw new CanonicalError('payload is not in RFC 8785 canonical form (or has a duplicate key)');
  return { value, text };
}

/**
 * Whether JSON text (already known to parse) names a member twice in one object, at any depth.
 * JSON.parse keeps the last of two equal names, so `{"alg":"none","alg":"EdDSA"}` would read as
 * EdDSA; text that is not canonical (a JWS header) needs this check of its own. Names are compared
 * after unescaping (`"alg"` and `"\u0061lg"` are the same name).
 */
export function hasDuplicateMember(text: string): boolean {
  // per open container: an object's member names, or null for an array
  const stack: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = skipString(text, i);
      if (expectName) {
        const names = stack[stack.length - 1]!;
        const name = JSON.parse(text.slice(i, end)) as string;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end - 1;
    } else if (c === 123) {
      stack.push(new Set<string>());
      expectName = true;
    } else if (c === 91) {
      stack.push(null);
    } else if (c === 125 || c === 93) {
      stack.pop();
      expectName = false;
    } else if (c === 44) {
      expectName = stack.at(-1) instanceof Set;
    }
  }
  return false;
}

/**
 * The exact text of a top-level member's value in canonical JSON text (so the digest of a nested
 * record needs no second serialisation: JCS of a member is its substring in the JCS of the whole).
 */
export function memberText(canonical: string, member: string): string | undefined {
  const key = JSON.stringify(member);
  let i = 1; // after '{'
  const n = canonical.length;
  while (i < n) {
    // at a key
    const keyStart = i;
    i = skipString(canonical, i);
    const k = canonical.slice(keyStart, i);
    i++; // ':'
    const valueStart = i;
    i = skipValue(canonical, i);
    if (k === key) return canonical.slice(valueStart, i);
    i++; // ',' or '}'
  }
  return undefined;
}

function skipString(t: string, i: number): number {
  // t[i] === '"'
  i++;
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 34) return i + 1;
    else i++;
  }
}

function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return skipString(t, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (;;) {
      const d = t.charCodeAt(i);
      if (d === 34) {
        i = skipString(t, i);
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  while (i < t.length && t[i] !== ',' && t[i] !== '}' && t[i] !== ']') i++;
  return i;
}
