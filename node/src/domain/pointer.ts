// RFC 6901 JSON pointers. Pure.

export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Splits a pointer into unescaped tokens; '' is the root (no tokens). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + escapeToken(String(t))).join('');
}

/** Syntactically valid RFC 6901 pointer ('~' only as ~0 or ~1). */
export function isPointerSyntax(pointer: string): boolean {
  return pointer === '' || /^(\/([^~/]|~[01])*)+$/u.test(pointer);
}

export const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

export function get(root: unknown, tokens: readonly string[]): unknown {
  let cur: unknown = root;
  for (const t of tokens) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!ARRAY_INDEX.test(t)) return undefined;
      cur = cur[Number(t)];
    } else {
      if (!Object.hasOwn(cur, t)) return undefined;
      cur = (cur as Record<string, unknown>)[t];
    }
  }
  return cur;
}

/** True when a is b or an ancestor of b (token-wise). */
export function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false;
  return a.every((t, i) => t === b[i]);
}

/**
 * Token patterns: '*' matches any token. Two patterns are related when one could be an ancestor of,
 * equal to, or a descendant of the other.
 */
export function patternsRelated(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== '*' && b[i] !== '*' && a[i] !== b[i]) return false;
  }
  return true;
}

/** Compare strings by UTF-16 code units, as RFC 8785 sorts member names. */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
