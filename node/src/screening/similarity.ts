// Similarity of two names (docs/screening.md, "Ranking").
import type { NormalisedName } from './names.js';
import { levenshtein, tokenSimilarity, TOKEN_MATCH } from './tokens.js';

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
