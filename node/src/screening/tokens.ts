// Similarity of two words of names (docs/screening.md, "Ranking"): spelling conventions of
// transliteration schemes folded, consonant skeletons, a bounded edit distance.

/**
 * Consonant skeleton of a token: letters that sound alike written alike (c/k/q, z/s, w/v, ph/f,
 * th/t, dh/d, gh/g), vowels and y dropped, doubled letters once (Melcom / Melkom, Mohammed / Muhammad).
 */
export function skeletonOf(token: string): string {
  return cached(skeletons, token, skeletonOnce);
}

function skeletonOnce(token: string): string {
  const s = phoneticOf(token)
    .replace(/ph/g, 'f')
    .replace(/([tdg])h/g, '$1')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/[cq]/g, 'k')
    .replace(/z/g, 's')
    .replace(/w/g, 'v')
    .replace(/[aeiouy]/g, '')
    .replace(/(.)\1+/g, '$1');
  return s.length > 0 ? s : token;
}

/**
 * A token with the spelling differences of transliteration schemes folded (French, English and
 * German conventions for Arabic, Persian and Slavic names; soft c and g): ou/oo → u (Younous /
 * Yunus, Oumar / Umar), ee → i, dj → j (Djarrah / Jarrah), c before e/i/y → s, g before e/i → j
 * (Rougi / Rouji), other c and q → k (Calcimin / Kalsimin, Qasim / Kasim), a final h after a vowel dropped (Aradah /
 * Arada), the Slavic adjective
 * endings -iy/-yy/-ii/-ij → y (Kovalskiy / Kovalsky), doubled letters once (Kassem / Kasem).
 */
export function phoneticOf(token: string): string {
  return cached(phonetics, token, phoneticOnce);
}

function phoneticOnce(token: string): string {
  return token
    .replace(/dj/g, 'j')
    .replace(/zh/g, 'j')
    .replace(/ou|oo/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/g(?=[ei])/g, 'j')
    .replace(/ck/g, 'k')
    .replace(/[cq]/g, 'k')
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
 * or with one edit that keeps the first letter. Jaro-Winkler is not used here: its prefix bonus makes distinct names
 * look alike
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
  // the singular and the plural of a word (Technology / Technologies, System / Systems)
  if (a.length > 4 && b.length > 4 && singular(a) === singular(b)) return 0.95;
  // spelling compared after folding transliteration differences (phoneticOf)
  const pa = phoneticOf(a);
  const pb = phoneticOf(b);
  if (pa === pb) return pa.length >= 3 ? 0.95 : 0;
  const longest = Math.max(pa.length, pb.length);
  const sa = skeletonOf(a);
  if (sa.length >= 3 && sa === skeletonOf(b)) {
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

/** Below this, a token pair is not a match. */
export const TOKEN_MATCH = 0.8;

/** An English plural made singular (ies → y, a final s dropped), for words of five letters or more. */
function singular(t: string): string {
  return t.replace(/ies$/, 'y').replace(/([^s])s$/, '$1');
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
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb && ca !== cb)
        v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    [before, prev, cur] = [prev, cur, before];
  }
  return Math.min(prev[b.length]!, max + 1);
}
