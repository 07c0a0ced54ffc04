// The evaluation's string measures (docs/screening.md, "Evaluation"): the normalisation and a
// faithful port of Python's difflib.SequenceMatcher(None, a, b).ratio() (autojunk included), checked
// against python3 by `npm run bench:screening -- --check-difflib`; and the Indel ratio that rapidfuzz's
// fuzz.ratio / token_sort_ratio compute, for the baseline.

/** NFKD, combining marks dropped, casefolded, apostrophes dropped, other non-word characters to spaces. */
export function evalNormalise(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/['’`ʼ]/g, '')
    .replace(/[^\p{L}\p{N}_]+/gu, ' ')
    .trim()
    .replace(/ +/g, ' ');
}

/** The normalised string with its tokens sorted (Python's default string order: by code point). */
export function tokenSorted(s: string): string {
  return evalNormalise(s).split(' ').filter(Boolean).sort(byCodePoint).join(' ');
}

function byCodePoint(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** difflib.SequenceMatcher(None, a, b).ratio(): 2·M / T over the matching blocks. */
export function sequenceRatio(aText: string, bText: string): number {
  const a = Array.from(aText);
  const b = Array.from(bText);
  const total = a.length + b.length;
  if (total === 0) return 1;
  const b2j = new Map<string, number[]>();
  b.forEach((c, i) => {
    const l = b2j.get(c);
    if (l) l.push(i);
    else b2j.set(c, [i]);
  });
  // autojunk: in a b of 200 or more elements, elements more common than 1 % + 1 are "popular"
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [c, idx] of [...b2j]) if (idx.length > ntest) b2j.delete(c);
  }
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    // no junk function: extend by equal (popular) elements on both sides
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  };
  let matches = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k === 0) continue;
    matches += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return (2 * matches) / total;
}

/** The findability measure: sequenceRatio of the token-sorted normalised strings. */
export function findability(a: string, b: string): number {
  return sequenceRatio(tokenSorted(a), tokenSorted(b));
}

/** Normalised Indel similarity (rapidfuzz fuzz.ratio / 100): 1 − (insertions + deletions) / (|a| + |b|). */
export function indelRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * lcsLength(a, b)) / total;
}

let row = new Int32Array(64);
/** Longest common subsequence length (two-row dynamic programme). */
export function lcsLength(a: string, b: string): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (row.length <= b.length) row = new Int32Array(b.length + 1);
  row.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    const ca = a.charCodeAt(i);
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = ca === b.charCodeAt(j - 1) ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}
