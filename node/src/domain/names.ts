// Name normalisation and similarity for screening (brief §7). Pure apart from the transliteration
// table (the `transliteration` package: Cyrillic, Arabic, CJK and others to Latin).
import { transliterate } from 'transliteration';

/** Legal-form words in many languages, after normalisation (lower case, Latin, no punctuation). */
const LEGAL_FORMS = new Set([
  'llc', 'ltd', 'limited', 'co', 'company', 'corp', 'corporation', 'inc', 'incorporated', 'plc', 'lp', 'llp', 'pte', 'pvt', 'private', 'public',
  'gmbh', 'mbh', 'ag', 'kg', 'ohg', 'ug', 'ev', 'sa', 'sas', 'sarl', 'sl', 'srl', 'spa', 'sca', 'snc', 'bv', 'nv', 'cv', 'vof', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps',
  'sp', 'zoo', 'ooo', 'oao', 'zao', 'pao', 'ao', 'jsc', 'cjsc', 'ojsc', 'pjsc', 'tov', 'too', 'ip', 'mchj', 'chp', 'fze', 'fzco', 'fzllc', 'fz', 'fzc', 'wll', 'est',
  'kk', 'gk', 'kabushiki', 'kaisha', 'yugen', 'sdn', 'bhd', 'tbk', 'pt', 'jsc', 'ltda', 'eireli', 'sti', 'as', 'ltdsti', 'youxiangongsi', 'youxian', 'gongsi',
  'trading', 'group', 'holding', 'holdings', 'the', 'and', 'of', 've',
]);

/** Legal-form phrases removed before tokenising. */
const LEGAL_PHRASES: [RegExp, string][] = [
  [/\bsp\s*z\s*o\s*o\b/g, ' '],
  [/\bs\s*a\s*r\s*l\b/g, ' '],
  [/\bs\s*a\b/g, ' '],
  [/\bb\s*v\b/g, ' '],
  [/\bfz\s*llc\b/g, ' '],
  [/\byou xian gong si\b/g, ' '],
  [/\bgong si\b/g, ' '],
  [/\bltd\s*sti\b/g, ' '],
];

export interface NormalisedName {
  /** Distinctive tokens, sorted (token order irrelevant). */
  tokens: string[];
  /** The tokens joined by one space: the indexed form. */
  key: string;
  /** Consonant skeletons of the tokens, for transliteration variants (Mohammed / Muhammad / mhmd). */
  skeleton: string;
}

export function normaliseName(raw: string): NormalisedName {
  let s = raw.normalize('NFKC');
  // transliterate non-Latin scripts; keep Latin letters with diacritics for the next step
  if (/[^\u0000-\u024F\u1E00-\u1EFF]/.test(s)) s = transliterate(s);
  s = s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  s = s.replace(/[ß]/g, 'ss').replace(/[æ]/g, 'ae').replace(/[ø]/g, 'o').replace(/[đ]/g, 'd').replace(/[ł]/g, 'l').replace(/[ı]/g, 'i');
  s = s.replace(/['’`ʼ]/g, '').replace(/[^a-z0-9]+/g, ' ');
  for (const [re, rep] of LEGAL_PHRASES) s = s.replace(re, rep);
  let tokens = s.split(' ').filter((t) => t.length > 0);
  const distinctive = tokens.filter((t) => !LEGAL_FORMS.has(t));
  if (distinctive.length > 0) tokens = distinctive;
  tokens.sort();
  return { tokens, key: tokens.join(' '), skeleton: tokens.map(skeletonOf).join(' ') };
}

export function skeletonOf(token: string): string {
  const s = token.replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
  return s.length > 0 ? s : token;
}

/** Jaro-Winkler similarity, 0..1. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const ma = new Uint8Array(la);
  const mb = new Uint8Array(lb);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(lb - 1, i + range);
    for (let j = lo; j <= hi; j++) {
      if (!mb[j] && a.charCodeAt(i) === b.charCodeAt(j)) {
        ma[i] = 1;
        mb[j] = 1;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let t = 0;
  for (let i = 0, k = 0; i < la; i++) {
    if (!ma[i]) continue;
    while (!mb[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  let p = 0;
  while (p < 4 && p < la && p < lb && a[p] === b[p]) p++;
  return jaro + p * 0.1 * (1 - jaro);
}

/**
 * Token-set similarity: each query token is paired with its best candidate token (Jaro-Winkler on
 * the token, or on its consonant skeleton, whichever is higher), weighted by token length; tokens the
 * candidate lacks count against the query, extra candidate tokens count half against it.
 */
export function nameSimilarity(q: NormalisedName, c: NormalisedName): number {
  if (q.tokens.length === 0 || c.tokens.length === 0) return 0;
  if (q.key === c.key) return 1;
  const used = new Set<number>();
  let weighted = 0;
  let weight = 0;
  for (const qt of q.tokens) {
    let best = 0;
    let bestJ = -1;
    c.tokens.forEach((ct, j) => {
      const s = Math.max(jaroWinkler(qt, ct), 0.97 * jaroWinkler(skeletonOf(qt), skeletonOf(ct)));
      if (s > best || (s === best && !used.has(j))) {
        best = s;
        bestJ = j;
      }
    });
    if (bestJ >= 0 && best >= TOKEN_MATCH) used.add(bestJ);
    const w = Math.max(qt.length, 2);
    // a token that matches nothing well is a miss, not half a match
    weighted += (best >= TOKEN_MATCH ? best : 0) * w;
    weight += w;
  }
  const extra = c.tokens.filter((_t, j) => !used.has(j)).reduce((n, t) => n + Math.max(t.length, 2), 0);
  const tokenScore = weighted / (weight + extra * 0.5);
  // the names written without spaces catch split and joined words (Harbour Line / Harbourline)
  const whole = jaroWinkler(q.key.replace(/ /g, ''), c.key.replace(/ /g, ''));
  return Math.min(1, Math.max(tokenScore, whole >= 0.9 ? whole * 0.95 : 0));
}

/** Below this, a token pair is not a match (Jaro-Winkler on the token or its consonant skeleton). */
const TOKEN_MATCH = 0.8;

/** Trigrams of a string (for candidate retrieval). */
export function trigrams(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return [...out];
}
