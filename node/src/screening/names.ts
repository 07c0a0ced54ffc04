// Name normalisation and similarity for screening (brief §7). Pure apart from the transliteration
// table (the `transliteration` package: Cyrillic, Arabic, CJK and others to Latin).
import { transliterate } from 'transliteration';

/** Legal-form words in many languages, after normalisation (lower case, Latin, no punctuation). */
const LEGAL_FORMS = new Set([
  'llc', 'ltd', 'limited', 'co', 'company', 'corp', 'corporation', 'inc', 'incorporated', 'plc', 'lp', 'llp', 'pte', 'pvt', 'private', 'public',
  'gmbh', 'mbh', 'ag', 'kg', 'ohg', 'ug', 'ev', 'sa', 'sas', 'sarl', 'sl', 'srl', 'spa', 'sca', 'snc', 'bv', 'nv', 'cv', 'vof', 'oy', 'oyj', 'ab', 'as', 'asa', 'aps',
  'sp', 'zoo', 'ooo', 'oao', 'zao', 'pao', 'ao', 'jsc', 'cjsc', 'ojsc', 'pjsc', 'tov', 'too', 'ip', 'mchj', 'chp', 'fze', 'fzco', 'fzllc', 'fz', 'fzc', 'wll', 'est',
  'sprl', 'sprlu', 'kk', 'gk', 'kabushiki', 'kaisha', 'yugen', 'sdn', 'bhd', 'tbk', 'pt', 'jsc', 'ltda', 'eireli', 'sti', 'as', 'ltdsti', 'youxiangongsi', 'youxian', 'gongsi',
  'trading', 'group', 'holding', 'holdings', 'the', 'and', 'of', 've',
  'liability', 'joint', 'stock', 'obshchestvo', 'obshestvo', 'ogranichennoi', 'ogranichennoy', 'otvetstvennostyu', 'aktsionernoe', 'aktsionernoye', 'zakrytoe', 'otkrytoe', 'publichnoe',
  'tovarystvo', 'obmezhenoyu', 'vidpovidalnistyu', 'sociedad', 'anonima', 'responsabilidad', 'limitada', 'sirketi', 'anonim', 'limited', 'societe', 'anonyme',
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
  [/\bde\s*c\s*v\b/g, ' '],
  [/\bde\s*r\s*l\b/g, ' '],
  [/\bs\s*de\s*p\s*r\b/g, ' '],
];

/**
 * Version of the normalisation and index terms below. A database indexed under another version is
 * re-derived at start (ScreeningService.reindexIfStale). Change it with any change that alters a
 * key, skeleton, acronym or term.
 */
export const NAME_FORMAT = '2';

export interface NormalisedName {
  /** Distinctive tokens, sorted (token order irrelevant). */
  tokens: string[];
  /** The tokens joined by one space: the indexed form. */
  key: string;
  /** Consonant skeletons of the tokens, for transliteration variants (Mohammed / Muhammad / mhmd). */
  skeleton: string;
  /**
   * Acronyms the name may be written as, space-separated: the initials of its words in written order
   * without and with legal-form words (Islamic Revolutionary Guard Corps → irgc; National Iranian Oil
   * Company → nio nioc). Empty for one-word names.
   */
  initials: string;
  /**
   * Neighbouring distinctive words written together, in written order (Ja Far → jafar, Abd
   * al-Nasir → abdalnasir): a name written as one word elsewhere finds them. Not stored.
   */
  pairs?: string[];
}

/** Words never part of an acronym. */
const CONNECTIVES = new Set(['of', 'the', 'and', 'for', 'de', 'del', 'des', 'du', 'la', 'le', 'der', 'die', 'und', 'i', 'y', 'e', 'et']);

/** Arabic articles written as separate words (Al-Rashid, Al Rashid, Alrashid): joined to the next word. */
const ARTICLES = new Set(['al', 'el', 'ul', 'ad', 'ash', 'az']);

export function normaliseName(raw: string): NormalisedName {
  let s = raw.normalize('NFKC');
  // transliterate non-Latin scripts; keep Latin letters with diacritics for the next step
  if (/[^\u0000-\u024F\u1E00-\u1EFF]/.test(s)) s = transliterate(s);
  s = s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  s = s.replace(/[ß]/g, 'ss').replace(/[æ]/g, 'ae').replace(/[ø]/g, 'o').replace(/[đ]/g, 'd').replace(/[ł]/g, 'l').replace(/[ı]/g, 'i');
  s = s.replace(/['’`ʼ]/g, '').replace(/[^a-z0-9]+/g, ' ');
  for (const [re, rep] of LEGAL_PHRASES) s = s.replace(re, rep);
  const written: string[] = [];
  for (const raw of splitTheophoric(s.split(' '))) {
    if (raw.length === 0) continue;
    const t = raw.replace(/^([0-9]+)(st|nd|rd|th)$/, '$1');
    const last = written.at(-1);
    if (last !== undefined && ARTICLES.has(last) && !LEGAL_FORMS.has(t)) written[written.length - 1] = last + t;
    else written.push(t);
  }
  const distinctive = written.filter((t) => !LEGAL_FORMS.has(t));
  const ordered = distinctive.length > 0 ? distinctive : written;
  const tokens = [...ordered].sort();
  const initialsOf = (ts: string[]) => ts.filter((t) => !CONNECTIVES.has(t)).map((t) => t[0]).join('');
  const acronyms = new Set([initialsOf(ordered), initialsOf(written)].filter((a) => a.length >= 2));
  const pairs = ordered.slice(1).map((t, i) => ordered[i]! + t);
  return { tokens, key: tokens.join(' '), skeleton: tokens.map(skeletonOf).join(' '), initials: ordered.length >= 2 ? [...acronyms].join(' ') : '', pairs };
}

/**
 * Arabic names with 'Abd ("servant of") written in the schemes' different ways — Abdul Hadi, Abdel
 * Hadi, Abd al-Hadi, Abdulhadi, Abdelnasser, Abdallah, Abdullah — all as "abd" and the article
 * joined to the name that follows (abd alhadi, abd alnasser, abd allah).
 */
function splitTheophoric(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const joined = /^abd(?:ul|el|al|ol|oul)([a-z]{3,})$/.exec(w);
    if (joined) {
      out.push('abd', `al${joined[1]!.replace(/^(?:al|el|ul|l)(?=[a-z]{3})/, '')}`);
      continue;
    }
    if (/^abd(?:ul|el|al|ol|oul)$/.test(w) && i + 1 < words.length && /^[a-z]{3,}$/.test(words[i + 1]!) && !ARTICLES.has(words[i + 1]!)) {
      out.push('abd', 'al');
      continue;
    }
    out.push(w);
  }
  return out;
}

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

/**
 * Consonant skeleton of a token: letters that sound alike written alike (c/k/q, z/s, w/v, ph/f,
 * th/t, dh/d, gh/g), vowels and y dropped, doubled letters once (Melcom / Melkom, Mohammed / Muhammad).
 */
export function skeletonOf(token: string): string {
  const s = phoneticOf(token)
    .replace(/ph/g, 'f').replace(/([tdg])h/g, '$1').replace(/ck/g, 'k').replace(/x/g, 'ks')
    .replace(/[cq]/g, 'k').replace(/z/g, 's').replace(/w/g, 'v')
    .replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
  return s.length > 0 ? s : token;
}

/**
 * A token with the spelling differences of transliteration schemes folded (French, English and
 * German conventions for Arabic, Persian and Slavic names; soft c and g): ou/oo → u (Younous /
 * Yunus, Oumar / Umar), ee → i, dj → j (Djarrah / Jarrah), c before e/i/y → s, g before e/i → j
 * (Rougi / Rouji), other c and q → k (Calcimin / Kalsimin, Qasim / Kasim), a final h after a vowel dropped (Aradah / Arada), the Slavic adjective
 * endings -iy/-yy/-ii/-ij → y (Kovalskiy / Kovalsky), doubled letters once (Kassem / Kasem).
 */
export function phoneticOf(token: string): string {
  return token
    .replace(/dj/g, 'j')
    .replace(/ou|oo/g, 'u').replace(/ee/g, 'i')
    .replace(/c(?=[eiy])/g, 's').replace(/g(?=[ei])/g, 'j').replace(/ck/g, 'k').replace(/[cq]/g, 'k')
    .replace(/(iy|yy|ii|ij|yj|yi)$/, 'y')
    .replace(/([aeiou])h$/, '$1')
    .replace(/(.)\1+/g, '$1');
}

/** A token written with a joined Arabic article (alhabu, elhammam): the word without it. */
export function withoutArticle(token: string): string | null {
  const m = /^(al|el|ul|ad|ash|az)([a-z]{3,})$/.exec(token);
  return m ? m[2]! : null;
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
 * Similarity of two tokens, 0..1: exact; the same consonant skeleton of at least three consonants
 * and not too different in spelling (transliteration: Mohammed / Muhammad, Hossein / Husain, but not
 * Usman / Yasmin) 0.9; otherwise the Levenshtein ratio
 * (typos and spelling variants: Cordobez / Cordobes). Tokens of four letters or fewer match exactly
 * or with one edit that keeps the first letter. Jaro-Winkler is not used here: its prefix bonus makes distinct names look alike
 * (Valeryevna / Valeryevich).
 */
export function tokenSimilarity(a: string, b: string): number {
  const direct = tokenSimilarityOnce(a, b);
  if (direct === 1) return 1;
  // one side written with a joined article (Al-Habu / Habu)
  const a2 = withoutArticle(a);
  const b2 = withoutArticle(b);
  const stripped = a2 && !b2 ? tokenSimilarityOnce(a2, b) : b2 && !a2 ? tokenSimilarityOnce(a, b2) : 0;
  return Math.max(direct, 0.95 * stripped);
}

function tokenSimilarityOnce(a: string, b: string): number {
  if (a === b) return 1;
  // numbers (717th Institute, Plant 150) match exactly or not at all
  if (/[0-9]/.test(a) || /[0-9]/.test(b)) return 0;
  // spelling compared after folding transliteration differences (phoneticOf)
  const pa = cached(phonetics, a, phoneticOf);
  const pb = cached(phonetics, b, phoneticOf);
  if (pa === pb) return pa.length >= 3 ? 0.95 : 0;
  const longest = Math.max(pa.length, pb.length);
  const sa = cached(skeletons, a, skeletonOf);
  if (sa.length >= 3 && sa === cached(skeletons, b, skeletonOf)) {
    // the same skeleton, and not too different in spelling unless one side is written without vowels
    // (Arabic script transliterated: mhmd / Mohammed)
    const ratio = 1 - levenshtein(pa, pb) / longest;
    if (ratio >= 0.55 || !/[aeiou]/.test(a) || !/[aeiou]/.test(b)) return Math.max(ratio, 0.9);
  }
  // short tokens: one edit keeping the first letter (Abu / Abou, Lion / Leon), else no match
  if (Math.min(pa.length, pb.length) <= 4) return pa[0] === pb[0] && levenshtein(pa, pb, 1) === 1 ? 0.8 : 0;
  // only distances that can still reach TOKEN_MATCH are counted to the end
  const max = Math.floor((1 - TOKEN_MATCH) * longest + 1e-9);
  const d = levenshtein(pa, pb, max);
  return d > max ? 0 : 1 - d / longest;
}

const skeletons = new Map<string, string>();
const phonetics = new Map<string, string>();
function cached(memo: Map<string, string>, t: string, f: (t: string) => string): string {
  let s = memo.get(t);
  if (s === undefined) {
    if (memo.size > 100_000) memo.clear();
    s = f(t);
    memo.set(t, s);
  }
  return s;
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment: Ahstari /
 * Ashtari is one edit); stops early and returns `max + 1` once the distance must exceed `max`.
 */
export function levenshtein(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0 || b.length === 0) return a.length + b.length; // ≤ max here
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
    rowC = new Int32Array(b.length + 1);
  }
  let before = rowC;
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb && ca !== cb) v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    [before, prev, cur] = [prev, cur, before];
  }
  return Math.min(prev[b.length]!, max + 1);
}

/** Below this, a token pair is not a match. */
const TOKEN_MATCH = 0.8;
/** How much a candidate token the query lacks counts against the match (lists often carry more name parts). */
const EXTRA = 0.5;

/**
 * Words that describe a line of business rather than name a party (Harbour Line Tech / Harbourline):
 * they stay in the name but weigh less, whatever the index says.
 */
const DESCRIPTORS = new Set([
  'tech', 'technology', 'technologies', 'techno', 'international', 'intl', 'industries', 'industrial', 'industry', 'services', 'service', 'solutions', 'systems',
  'engineering', 'enterprise', 'enterprises', 'global', 'import', 'export', 'impex', 'logistics', 'general', 'commercial', 'investment', 'investments',
  'manufacturing', 'electronics', 'electronic', 'equipment', 'supply', 'supplies', 'products', 'development', 'consulting', 'partners', 'corporation',
]);

/** How much a word weighs relative to its rarity: descriptors 0.3, other words 1. */
export const descriptorFactor = (t: string): number => (DESCRIPTORS.has(t) ? 0.3 : 1);

/** Default token weight when no index statistics are at hand: longer tokens say more, descriptors less. */
export const lengthWeight = (t: string): number => Math.min(Math.max(t.length, 2), 8) * descriptorFactor(t);

/**
 * Weighted token-set similarity, 0..1. Token pairs are matched best first, each token used once,
 * with split and joined words (Harbour Line / Harbourline) matched as one; each token carries a weight
 * (its rarity in the index: a shared rare word says more than a shared "international"). The score is
 * the matched weight over the weight of both names, where candidate tokens the query lacks count
 * `EXTRA`. A one-word query equal to the candidate's acronym (or the reverse) scores 0.8.
 */
export function nameSimilarity(q: NormalisedName, c: NormalisedName, weight: (token: string) => number = lengthWeight): number {
  if (q.tokens.length === 0 || c.tokens.length === 0) return 0;
  if (q.key === c.key) return 1;
  const wq = q.tokens.map(weight);
  const wc = c.tokens.map(weight);
  const pairs: [number, number, number][] = [];
  q.tokens.forEach((qt, i) =>
    c.tokens.forEach((ct, j) => {
      const s = tokenSimilarity(qt, ct);
      if (s >= TOKEN_MATCH) pairs.push([s, i, j]);
    }),
  );
  pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  const usedQ = new Set<number>();
  const usedC = new Set<number>();
  let matched = 0;
  let paired = 0;
  for (const [s, i, j] of pairs) {
    if (usedQ.has(i) || usedC.has(j)) continue;
    usedQ.add(i);
    usedC.add(j);
    matched += (s * (wq[i]! + wc[j]!)) / 2;
    paired += (wq[i]! + wc[j]!) / 2;
  }
  // split and joined words: a token left over on one side against two left over on the other
  const joins = (one: string[], wOne: number[], usedOne: Set<number>, two: string[], wTwo: number[], usedTwo: Set<number>) => {
    one.forEach((t, i) => {
      if (usedOne.has(i) || t.length < 5) return;
      for (let a = 0; a < two.length; a++) {
        for (let b = 0; b < two.length; b++) {
          if (a === b || usedTwo.has(a) || usedTwo.has(b) || usedOne.has(i)) continue;
          const joined = two[a]! + two[b]!;
          // only distances that can still reach 0.85 are counted to the end
          const longest = Math.max(t.length, joined.length);
          const max = Math.floor(0.15 * longest + 1e-9);
          const d = levenshtein(t, joined, max);
          if (d > max) continue;
          const s = 1 - d / longest;
          usedOne.add(i);
          usedTwo.add(a);
          usedTwo.add(b);
          const w = (wOne[i]! + (wTwo[a]! + wTwo[b]!) / 2) / 2;
          matched += s * w;
          paired += w;
        }
      }
    });
  };
  joins(q.tokens, wq, usedQ, c.tokens, wc, usedC);
  joins(c.tokens, wc, usedC, q.tokens, wq, usedQ);
  const missing = wq.reduce((n, w, i) => n + (usedQ.has(i) ? 0 : w), 0);
  const extra = wc.reduce((n, w, j) => n + (usedC.has(j) ? 0 : w), 0);
  let score = matched / (paired + missing + EXTRA * extra);
  const acronym = (one: NormalisedName, many: NormalisedName) => one.tokens.length === 1 && one.tokens[0]!.length >= 2 && many.initials.split(' ').includes(one.tokens[0]!);
  if (acronym(q, c) || acronym(c, q)) score = Math.max(score, 0.8);
  return Math.min(1, score);
}

/** Trigrams of a string (for candidate retrieval). */
export function trigrams(s: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return [...out];
}
