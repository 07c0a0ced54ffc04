// Redaction (docs/records.md §8): the path grammar of agreements, applying it (sender), and checking a
// redacted record's `redacted` list (receiver). Pure.
import {
  ARRAY_INDEX,
  compareUtf16,
  formatPointer,
  get,
  isPointerSyntax,
  isPrefix,
  parsePointer,
  patternsRelated,
} from './pointer.js';

export type RecordType = 'denial' | 'finding';

/** §8.1, as token patterns ('*' = any array index). */
const UNREDACTABLE_COMMON = [
  '/id',
  '/version',
  '/supersedes',
  '/changeType',
  '/originatorNodeId',
  '/originatorCountry',
  '/status',
  '/handling',
  '/items/*/lineNo',
  '/items/*/controlRefs',
  '/parties/*/role',
  '/createdAt',
  '/updatedAt',
  // entente/1.1 (docs/protocol.md §14.2): an alert is not redactable
  '/alert',
];
export function unredactable(type: RecordType): string[][] {
  const list = type === 'denial' ? [...UNREDACTABLE_COMMON, '/destinationCountry'] : UNREDACTABLE_COMMON;
  return list.map((p) => p.slice(1).split('/'));
}

/** A whole element of /parties may be removed (a kept party always shows its role). */
function isWholePartyElement(tokens: readonly string[]): boolean {
  return tokens.length === 2 && tokens[0] === 'parties';
}

// ---------- path grammar (§8.2)

export type Segment =
  { kind: 'token'; value: string } | { kind: 'any' } | { kind: 'select'; name: string; value: string };

const SELECTOR = /^\[([A-Za-z0-9_]+)=([^\]/]+)\]$/;

/** Parses an agreement `redact` path; null when it does not follow the grammar. */
export function parseRedactPath(path: string): Segment[] | null {
  if (!path.startsWith('/') || path.length < 2) return null;
  const raw = path.slice(1).split('/');
  const out: Segment[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (s === '*') {
      if (i === 0) return null;
      out.push({ kind: 'any' });
      continue;
    }
    const sel = SELECTOR.exec(s);
    if (sel) {
      if (i === 0) return null;
      const value = sel[2]!;
      if (/~(?![01])/.test(value)) return null;
      out.push({ kind: 'select', name: sel[1]!, value: value.replace(/~1/g, '/').replace(/~0/g, '~') });
      continue;
    }
    if (/[*[\]]/.test(s)) return null;
    if (/~(?![01])/.test(s)) return null;
    out.push({ kind: 'token', value: s.replace(/~1/g, '/').replace(/~0/g, '~') });
  }
  return out;
}

/** Rule A3 for one path: it parses and could not remove an unredactable member. */
export function checkRedactPath(path: string, type: RecordType): string | null {
  const segs = parseRedactPath(path);
  if (!segs) return 'does not follow the redaction path grammar (docs/records.md §8.2)';
  const pattern = segs.map((s) => (s.kind === 'token' ? s.value : '*'));
  if (isWholePartyElement(pattern) && segs[1]!.kind !== 'token') return null;
  if (isWholePartyElement(pattern) && ARRAY_INDEX.test(pattern[1]!)) return null;
  for (const u of unredactable(type)) {
    if (patternsRelated(pattern, u)) return `could remove the unredactable member /${u.join('/')}`;
  }
  return null;
}

/** Evaluates one parsed path against a record: the concrete pointers (as token lists) it selects. */
export function evaluatePath(record: unknown, segs: readonly Segment[]): string[][] {
  let current: { value: unknown; tokens: string[] }[] = [{ value: record, tokens: [] }];
  for (const seg of segs) {
    const next: { value: unknown; tokens: string[] }[] = [];
    for (const { value, tokens } of current) {
      if (value === null || typeof value !== 'object') continue;
      if (seg.kind === 'token') {
        if (Array.isArray(value)) {
          if (ARRAY_INDEX.test(seg.value) && Number(seg.value) < value.length) {
            next.push({ value: value[Number(seg.value)], tokens: [...tokens, seg.value] });
          }
        } else if (Object.hasOwn(value, seg.value)) {
          next.push({ value: (value as Record<string, unknown>)[seg.value], tokens: [...tokens, seg.value] });
        }
      } else if (seg.kind === 'any') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, tokens: [...tokens, String(i)] }));
        else for (const [k, v] of Object.entries(value)) next.push({ value: v, tokens: [...tokens, k] });
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (
            v !== null &&
            typeof v === 'object' &&
            !Array.isArray(v) &&
            (v as Record<string, unknown>)[seg.name] === seg.value
          ) {
            next.push({ value: v, tokens: [...tokens, String(i)] });
          }
        });
      }
    }
    current = next;
  }
  return current.map((c) => c.tokens);
}

export interface Redacted<T> {
  record: T;
  /** Sorted RFC 6901 pointers into the unredacted record. */
  redacted: string[];
}

/** §8.3: applies a type's `redact` list to an unredacted record (which is not modified). */
export function applyRedaction<T>(record: T, paths: readonly string[]): Redacted<T> {
  const selected: string[][] = [];
  for (const p of paths) {
    const segs = parseRedactPath(p);
    if (!segs) throw new Error(`invalid redact path ${p}`);
    selected.push(...evaluatePath(record, segs));
  }
  // Unique, then drop every pointer that has another selected pointer as an ancestor.
  const unique = new Map<string, string[]>();
  for (const t of selected) unique.set(formatPointer(t), t);
  const all = [...unique.values()];
  const kept = all.filter((t) => !all.some((o) => o !== t && o.length < t.length && isPrefix(o, t)));
  // nothing to remove: the record itself, not a copy (callers never modify what they are given)
  if (kept.length === 0) return { record, redacted: [] };
  const copy = structuredClone(record) as unknown;
  // Remove: array elements from the highest index down, so that earlier indices stay valid.
  const ordered = [...kept].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (a[i] !== b[i]) {
        const ai = a[i]!;
        const bi = b[i]!;
        if (ARRAY_INDEX.test(ai) && ARRAY_INDEX.test(bi)) return Number(bi) - Number(ai);
        return compareUtf16(ai, bi);
      }
    }
    return b.length - a.length;
  });
  for (const t of ordered) {
    const parent = get(copy, t.slice(0, -1));
    const last = t[t.length - 1]!;
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[last];
  }
  const redacted = kept.map((t) => formatPointer(t)).sort(compareUtf16);
  return { record: copy as T, redacted };
}

// ---------- receiver side (§8.4)

export interface RedactionView {
  /** `redacted` parsed to token lists (only those that parsed). */
  pointers: string[][];
  /** original pointer → released pointer, or undefined where the path crosses a removed element. */
  toReleased(tokens: readonly string[]): string[] | undefined;
  /** released pointer → original pointer. */
  toOriginal(tokens: readonly string[]): string[];
  /** True when some redacted pointer equals, contains or lies inside the member (token pattern, '*' any). */
  touches(pattern: readonly string[]): boolean;
  /** True when the array at this original pointer lost whole elements. */
  lostElements(arrayOriginal: readonly string[]): boolean;
  /** Exact original pointer named in `redacted`. */
  isRedacted(original: readonly string[]): boolean;
}

export function redactionView(released: unknown, redacted: readonly string[]): RedactionView {
  const pointers: string[][] = [];
  for (const p of redacted) {
    if (typeof p === 'string' && isPointerSyntax(p) && p !== '') pointers.push(parsePointer(p));
  }
  const keys = new Set(pointers.map((t) => formatPointer(t)));
  // removed whole elements, keyed by the original pointer of their array
  const removed = new Map<string, number[]>();
  for (const t of pointers) {
    const last = t[t.length - 1]!;
    if (!ARRAY_INDEX.test(last)) continue;
    const parentOrig = t.slice(0, -1);
    const parentRel = mapToReleased(parentOrig);
    if (parentRel === undefined) continue;
    if (!Array.isArray(get(released, parentRel))) continue;
    const key = formatPointer(parentOrig);
    const list = removed.get(key) ?? [];
    list.push(Number(last));
    removed.set(key, list);
  }
  function mapToReleased(orig: readonly string[]): string[] | undefined {
    const out: string[] = [];
    for (let i = 0; i < orig.length; i++) {
      const t = orig[i]!;
      const container = get(released, out);
      if (Array.isArray(container) && ARRAY_INDEX.test(t)) {
        const gone = removed.get(formatPointer(orig.slice(0, i))) ?? [];
        const idx = Number(t);
        if (gone.includes(idx)) return undefined;
        out.push(String(idx - gone.filter((k) => k < idx).length));
      } else {
        out.push(t);
      }
    }
    return out;
  }
  function toOriginal(rel: readonly string[]): string[] {
    const out: string[] = [];
    const relSoFar: string[] = [];
    for (const t of rel) {
      const container = get(released, relSoFar);
      if (Array.isArray(container) && ARRAY_INDEX.test(t)) {
        const gone = (removed.get(formatPointer(out)) ?? []).slice().sort((a, b) => a - b);
        let j = Number(t);
        for (const g of gone) if (g <= j) j++;
        out.push(String(j));
      } else {
        out.push(t);
      }
      relSoFar.push(t);
    }
    return out;
  }
  return {
    pointers,
    toReleased: mapToReleased,
    toOriginal,
    touches: (pattern) => pointers.some((p) => patternsRelated(p, pattern)),
    lostElements: (arr) => (removed.get(formatPointer(arr))?.length ?? 0) > 0,
    isRedacted: (orig) => keys.has(formatPointer(orig)),
  };
}

export interface RedactionIssue {
  index: number;
  rule: 'R1' | 'R2' | 'R3';
  message: string;
}

/** R1–R3 over a release's `redacted` list. */
export function checkRedactedList(released: unknown, redacted: readonly unknown[], type: RecordType): RedactionIssue[] {
  const issues: RedactionIssue[] = [];
  const strings = redacted.map((r) => (typeof r === 'string' ? r : ''));
  const view = redactionView(released, strings);
  const parsed: (string[] | null)[] = strings.map((p) => (p !== '' && isPointerSyntax(p) ? parsePointer(p) : null));
  strings.forEach((p, k) => {
    const tokens = parsed[k];
    if (typeof redacted[k] !== 'string' || !tokens) {
      issues.push({ index: k, rule: 'R1', message: 'not an RFC 6901 pointer' });
      return;
    }
    if (k > 0 && !(compareUtf16(strings[k - 1]!, p) < 0)) {
      issues.push({ index: k, rule: 'R1', message: 'not sorted and unique' });
      return;
    }
    if (parsed.some((o, j) => j !== k && o && o.length < tokens.length && isPrefix(o, tokens))) {
      issues.push({ index: k, rule: 'R1', message: 'another redacted pointer is its ancestor' });
      return;
    }
    // concrete: every array level is crossed with an index
    let rel: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const container = get(released, rel);
      if (Array.isArray(container) && !ARRAY_INDEX.test(tokens[i]!)) {
        issues.push({ index: k, rule: 'R1', message: 'not a concrete pointer' });
        return;
      }
      const mapped = view.toReleased(tokens.slice(0, i + 1));
      if (!mapped) break;
      rel = mapped;
    }
    if (!isWholePartyElement(tokens) || !ARRAY_INDEX.test(tokens[1]!)) {
      const hit = unredactable(type).find((u) => patternsRelated(tokens, u));
      if (hit) {
        issues.push({ index: k, rule: 'R2', message: `removes the unredactable member /${hit.join('/')}` });
        return;
      }
    }
    const last = tokens[tokens.length - 1]!;
    const parentRel = view.toReleased(tokens.slice(0, -1));
    if (parentRel) {
      const parent = get(released, parentRel);
      if (parent && typeof parent === 'object' && !Array.isArray(parent) && Object.hasOwn(parent, last)) {
        issues.push({ index: k, rule: 'R3', message: 'the redacted member is present in the released record' });
      }
    }
  });
  return issues;
}
