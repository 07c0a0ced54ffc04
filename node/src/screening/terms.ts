// Retrieval terms of a normalised name (docs/screening.md, "Retrieval"): what a name is indexed under
// and what a query looks up.
import type { ScreenInsert } from '../store/screening.js';
import { normaliseNames, type NormalisedName } from './names.js';
import { skeletonOf, withoutArticle } from './tokens.js';

/** Word terms of a name, indexed and looked up alike: each token (t:), without its article, and its skeleton (s:). */
function wordTerms(n: NormalisedName, out: Set<string>): Set<string> {
  for (const t of n.tokens) {
    out.add(`t:${t}`);
    const sk = skeletonOf(t);
    if (t.length >= 3 && sk.length >= 2) out.add(`s:${sk}`);
    const bare = withoutArticle(t);
    if (bare) {
      out.add(`t:${bare}`);
      const bk = skeletonOf(bare);
      if (bk.length >= 2) out.add(`s:${bk}`);
    }
  }
  return out;
}

/**
 * Terms under which a name is indexed for candidate retrieval: its word terms, its acronyms (a:) and,
 * for names of several words, the words written together (j:).
 */
export function indexTerms(n: NormalisedName): string[] {
  const out = wordTerms(n, new Set());
  for (const a of n.initials.split(' ')) if (a) out.add(`a:${a}`);
  out.add(`j:${n.tokens.join('')}`);
  pairTerms(n, out);
  return [...out];
}

/** Neighbouring words written together, as words and as skeletons. */
function pairTerms(n: NormalisedName, out: Set<string>): void {
  for (const p of n.pairs ?? []) {
    out.add(`t:${p}`);
    const sk = skeletonOf(p);
    if (sk.length >= 4) out.add(`s:${sk}`);
  }
}

/**
 * Terms a query looks up: its word terms; a one-word query also as an acronym and as words written
 * together; a query of several words also as its acronyms and written together.
 */
export function queryTerms(n: NormalisedName): string[] {
  const out = wordTerms(n, new Set());
  out.add(`j:${n.tokens.join('')}`);
  if (n.tokens.length === 1) {
    out.add(`a:${n.tokens[0]}`);
  } else {
    out.add(`t:${n.tokens.join('')}`);
    for (const a of n.initials.split(' ')) if (a.length >= 3) out.add(`t:${a}`);
    pairTerms(n, out);
  }
  return [...out];
}

/** Trigrams of a string (for candidate retrieval). */
export function trigrams(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return [...out];
}

/** What is known of a party besides the name, for its index rows. */
export interface NameFacts {
  source: string;
  record_id?: string | null;
  list_ref?: string | null;
  party_index?: number;
  party_role?: string | null;
  name_type: string;
  countries?: string[];
  /** scheme:VALUE keys (identKey). */
  identifiers?: string[];
  birthDates?: string[];
  /** For list names: the list version the row appears in, and the digest of its entry. */
  listFrom?: number;
  entryDigest?: string;
}

/** The index row of one name with its retrieval terms, or null when nothing of the name is left to index. */
export function nameEntry(name: string, f: NameFacts): ScreenInsert | null {
  return nameEntries(name, f)[0] ?? null;
}

/** The index rows of one name: one per Latin rendering (names in other scripts have several: scripts.ts). */
export function nameEntries(name: string, f: NameFacts): ScreenInsert[] {
  return normaliseNames(name)
    .filter((n, i, all) => n.key && all.findIndex((m) => m.key === n.key) === i)
    .map((n) => rowOf(name, n, f));
}

function rowOf(name: string, n: NormalisedName, f: NameFacts): ScreenInsert {
  const idents = f.identifiers ?? [];
  return {
    entry: {
      source: f.source,
      record_id: f.record_id ?? null,
      list_ref: f.list_ref ?? null,
      party_index: f.party_index ?? 0,
      party_role: f.party_role ?? null,
      name,
      name_type: f.name_type,
      key: n.key,
      skeleton: n.skeleton,
      initials: n.initials,
      countries: JSON.stringify(f.countries ?? []),
      identifiers: JSON.stringify(idents),
      surname: n.surname ?? '',
      birth_dates: JSON.stringify(f.birthDates ?? []),
      list_from: f.listFrom ?? 0,
      entry_digest: f.entryDigest ?? '',
    },
    idents,
    terms: indexTerms(n),
  };
}

/** An identifier as indexed and looked up: scheme, colon, value without spaces in upper case. */
export function identKey(scheme: string, value: string): string {
  return `${scheme}:${value.replace(/\s+/g, '').toUpperCase()}`;
}
