// Similarity of two names (docs/screening.md, "Ranking" and "Calibration"): words are paired best
// first; what was paired is described by a few features (how much of each name is covered, how much
// rare evidence, whether a person's surname matched, an acronym); a logistic model fitted by
// `npm run calibrate:screening` turns them into a score that is a calibrated probability-like number.
import { CALIBRATION, type Calibration } from './calibration.js';
import type { NormalisedName } from './names.js';
import { levenshtein, tokenSimilarity, TOKEN_MATCH } from './tokens.js';

/**
 * Words that describe a line of business or a place rather than name a party (Harbour Line Tech /
 * Harbourline; Shenzhen Tenco / Tenco): they stay in the name but weigh less, whatever the index says.
 */
const DESCRIPTORS = new Set([
  'tech',
  'technology',
  'technologies',
  'techno',
  'international',
  'intl',
  'industries',
  'industrial',
  'industry',
  'services',
  'service',
  'solutions',
  'systems',
  'engineering',
  'enterprise',
  'enterprises',
  'global',
  'import',
  'export',
  'impex',
  'logistics',
  'general',
  'commercial',
  'investment',
  'investments',
  'manufacturing',
  'electronics',
  'electronic',
  'equipment',
  'supply',
  'supplies',
  'products',
  'development',
  'consulting',
  'partners',
  'corporation',
  'factory',
  'plant',
  'institute',
  'research',
  'scientific',
  'center',
  'centre',
  'branch',
  'bureau',
  'design',
  'science',
  'shipping',
  'marine',
  'bank',
  'foundation',
  'society',
  'association',
]);

/** How much a word weighs relative to its rarity: descriptors 0.3, other words 1. */
export const descriptorFactor = (t: string): number => (DESCRIPTORS.has(t) ? 0.3 : 1);

/** Default token weight (0..1) when no index statistics are at hand: longer tokens say more. */
export const lengthWeight = (t: string): number => (Math.min(Math.max(t.length, 2), 8) / 8) * descriptorFactor(t);

/** What two names share, as the calibrated model sees it. */
export interface NameComparison {
  /** Matched share of the query's weight, and of the candidate's, 0..1. */
  qCover: number;
  cCover: number;
  /** Matched weight, in index-rarity units (a rare word about 1). */
  evidence: number;
  /** One of the names has a single word. */
  short: boolean;
  /** A one-word name equal to the other's acronym. */
  acronym: boolean;
  /** A person's surname (written SURNAME, Given) on either side: 1 matched, −1 not matched, 0 unknown. */
  surname: number;
  /** Mean similarity of the paired words (1 when all are exact). */
  quality: number;
  exact: boolean;
}

/**
 * Two words left over after the alike pairs and the split or joined words: an initial (J / John) or
 * the start of the other word (Nemat / Nematollah, Micro / Microelectronics).
 */
export function partialSimilarity(a: string, b: string): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 1 && long.length > 1 && /[a-z]/.test(short)) return long[0] === short ? TOKEN_MATCH : 0;
  if (short.length >= 4 && !/[0-9]/.test(short) && long.startsWith(short)) return TOKEN_MATCH;
  return 0;
}

/** Names with more words than this are not searched for split or joined words. */
const MAX_JOIN_TOKENS = 16;

export function compareNames(
  q: NormalisedName,
  c: NormalisedName,
  weight: (token: string) => number = lengthWeight,
): NameComparison {
  const none = { qCover: 0, cCover: 0, evidence: 0, short: true, acronym: false, surname: 0, quality: 0, exact: false };
  if (q.tokens.length === 0 || c.tokens.length === 0) return none;
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
  const usedQ = new Map<number, number>();
  const usedC = new Map<number, number>();
  let quality = 0;
  let n = 0;
  for (const [s, i, j] of pairs) {
    if (usedQ.has(i) || usedC.has(j)) continue;
    usedQ.set(i, s);
    usedC.set(j, s);
    quality += s;
    n++;
  }
  // split and joined words: a token left over on one side against two left over on the other (a
  // cost of |one|·|two|², so not against a name of more than MAX_JOIN_TOKENS words: a 500-character
  // name of 250 one-letter words, which a partner can send, cost 25 ms per candidate)
  const joins = (one: string[], usedOne: Map<number, number>, two: string[], usedTwo: Map<number, number>) => {
    if (two.length > MAX_JOIN_TOKENS) return;
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
          usedOne.set(i, s);
          usedTwo.set(a, s);
          usedTwo.set(b, s);
          quality += s;
          n++;
        }
      }
    });
  };
  joins(q.tokens, usedQ, c.tokens, usedC);
  joins(c.tokens, usedC, q.tokens, usedQ);
  // initials and shortened words, among the words still left
  q.tokens.forEach((qt, i) => {
    if (usedQ.has(i)) return;
    const j = c.tokens.findIndex((ct, k) => !usedC.has(k) && partialSimilarity(qt, ct) > 0);
    if (j < 0) return;
    usedQ.set(i, TOKEN_MATCH);
    usedC.set(j, TOKEN_MATCH);
    quality += TOKEN_MATCH;
    n++;
  });
  const covered = (w: number[], used: Map<number, number>) => {
    let all = 0;
    let got = 0;
    w.forEach((x, i) => {
      all += x;
      got += x * (used.get(i) ?? 0);
    });
    return { all, got };
  };
  const cq = covered(wq, usedQ);
  const cc = covered(wc, usedC);
  const acronymOf = (one: NormalisedName, many: NormalisedName) =>
    one.tokens.length === 1 && one.tokens[0]!.length >= 2 && many.initials.split(' ').includes(one.tokens[0]!);
  return {
    qCover: cq.all > 0 ? cq.got / cq.all : 0,
    cCover: cc.all > 0 ? cc.got / cc.all : 0,
    evidence: (cq.got + cc.got) / 2,
    short: Math.min(q.tokens.length, c.tokens.length) === 1,
    acronym: acronymOf(q, c) || acronymOf(c, q),
    surname: surnameMatch(q, usedQ, c, usedC),
    quality: n > 0 ? quality / n : 0,
    exact: q.key === c.key,
  };
}

/** 1 when every known surname (either side) is among the paired words, −1 when one is not, 0 when neither is known. */
function surnameMatch(
  q: NormalisedName,
  usedQ: Map<number, number>,
  c: NormalisedName,
  usedC: Map<number, number>,
): number {
  let known = false;
  for (const [n, used] of [
    [q, usedQ],
    [c, usedC],
  ] as const) {
    if (!n.surname) continue;
    known = true;
    for (const s of n.surname.split(' ')) if (!used.has(n.tokens.indexOf(s))) return -1;
  }
  return known ? 1 : 0;
}

/** The model's inputs, in the order of Calibration.features. */
export function featureVector(m: NameComparison): number[] {
  return [
    1,
    Math.min(m.qCover, m.cCover),
    Math.max(m.qCover, m.cCover),
    Math.min(m.evidence, 3),
    m.short ? 1 : 0,
    m.acronym ? 1 : 0,
    m.surname > 0 ? 1 : 0,
    m.surname < 0 ? 1 : 0,
    m.quality,
  ];
}

export const FEATURES = [
  'bias',
  'cover-min',
  'cover-max',
  'evidence',
  'short',
  'acronym',
  'surname-matched',
  'surname-missed',
  'quality',
];

/** The calibrated score of a comparison (0..1), with an offset in log-odds for other evidence (country, birth date). */
/**
 * The log-odds an identical name starts from when another fact conflicts (a country or a date of
 * birth): 0.95 before the conflict's offset. An identical name scores 1 otherwise: evidence that
 * agrees never lowers a score below what the name alone gives.
 */
const EXACT_LOG_ODDS = 3;

export function nameScore(m: NameComparison, offset = 0, model: Calibration = CALIBRATION): number {
  if (m.exact) return offset >= 0 ? 1 : 1 / (1 + Math.exp(-(EXACT_LOG_ODDS + offset)));
  if (m.qCover === 0 && m.cCover === 0 && !m.acronym) return 0;
  const x = featureVector(m);
  const z = x.reduce((s, v, i) => s + v * (model.coefficients[i] ?? 0), 0) + offset;
  return 1 / (1 + Math.exp(-z));
}

/** Calibrated similarity of two names, 0..1 (1 when equal after normalisation). */
export function nameSimilarity(
  q: NormalisedName,
  c: NormalisedName,
  weight: (token: string) => number = lengthWeight,
): number {
  return nameScore(compareNames(q, c, weight));
}
