// npm run calibrate:screening: fits the name score (a logistic model over the features of
// screening/similarity.ts) and chooses the default threshold, on the calibration set of
// docs/screening.md: half of the parties of the 2022 CSL (by a hash of the id) for the findable
// aliases, and half of the cross-list false-positive queries. The other half, and the 2023–26 lists'
// aliases, are held out for `npm run bench:screening`. Writes node/src/screening/calibration.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALIBRATION, type Calibration } from '../node/src/screening/calibration.js';
import { featureVector, FEATURES, nameScore, type NameComparison } from '../node/src/screening/similarity.js';
import { calibrationHalf, loadCsl, loadNsfreg, type EvalParty } from './screening-eval/data.js';
import { findability } from './screening-eval/difflib.js';
import { EvalIndex } from './screening-eval/harness.js';
import { crossListSets } from './screening-eval/negatives.js';

const TARGET_FP = Number(process.env.ENTENTE_CALIBRATION_FP ?? 0.02);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** One query's candidates, by party: its own party's comparisons (none for a false-positive query) and the others'. */
interface Query {
  own: NameComparison[];
  others: NameComparison[][];
}

function byParty(comps: { party: string; comparison: NameComparison }[], own: string | null): Query {
  const map = new Map<string, NameComparison[]>();
  for (const c of comps) map.set(c.party, [...(map.get(c.party) ?? []), c.comparison]);
  const q: Query = { own: own ? (map.get(own) ?? []) : [], others: [] };
  for (const [party, list] of map) if (party !== own) q.others.push(list);
  return q;
}

const csl = loadCsl();
const aliases: Query[] = [];
const fps: Query[] = [];
{
  const index = new EvalIndex(csl);
  for (const p of csl.filter((x) => calibrationHalf(x.id))) {
    for (const alias of p.names.slice(1)) {
      if (!p.names.some((o) => o !== alias && findability(alias, o) >= 0.5)) continue;
      aliases.push(byParty(index.compareWithout(p, alias, alias), p.id));
      if (aliases.length % 1000 === 0) log(`  ${aliases.length} alias queries`);
    }
  }
  index.close();
}
for (const s of crossListSets(csl, loadNsfreg())) {
  const index = new EvalIndex(s.indexed);
  for (const q of s.queries.filter((x) => calibrationHalf(x.party))) fps.push(byParty(index.compareWithout(null, '', q.name), null));
  index.close();
  log(`  ${fps.length} false-positive queries`);
}

const score = (m: Calibration, c: NameComparison) => nameScore(c, 0, m);
const best = (m: Calibration, list: NameComparison[]) => list.reduce<NameComparison | null>((b, c) => (!b || score(m, c) > score(m, b) ? c : b), null);

/** Samples under a model: each alias query's best own name (positive) and best names of the three best other parties (negative). */
function samples(m: Calibration): { x: number[]; y: number }[] {
  const out: { x: number[]; y: number }[] = [];
  for (const q of [...aliases, ...fps]) {
    const own = best(m, q.own);
    if (own) out.push({ x: featureVector(own), y: 1 });
    const others = q.others.map((l) => best(m, l)!).sort((a, b) => score(m, b) - score(m, a)).slice(0, 3);
    for (const o of others) out.push({ x: featureVector(o), y: 0 });
  }
  return out;
}

/** Logistic regression by Newton's method with a small ridge. */
function fit(data: { x: number[]; y: number }[], start: number[]): number[] {
  const k = start.length;
  let w = [...start];
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(k).fill(0);
    const h = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (const { x, y } of data) {
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, i) => s + v * w[i]!, 0)));
      for (let i = 0; i < k; i++) {
        g[i]! += (p - y) * x[i]!;
        for (let j = 0; j < k; j++) h[i]![j]! += p * (1 - p) * x[i]! * x[j]!;
      }
    }
    for (let i = 0; i < k; i++) {
      g[i]! += 1e-2 * w[i]!;
      h[i]![i]! += 1e-2;
    }
    const step = solve(h, g);
    w = w.map((v, i) => v - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return w;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c || m[c]![c] === 0) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => (row[i] === 0 ? 0 : row[n]! / row[i]!));
}

let model: Calibration = { ...CALIBRATION, features: FEATURES };
for (let round = 0; round < 3; round++) {
  const data = samples(model);
  model = { ...model, coefficients: fit(data, model.coefficients).map((v) => Math.round(v * 1e4) / 1e4) };
  log(`round ${round + 1}: ${data.length} samples; coefficients ${model.coefficients.join(', ')}`);
}

// the threshold: the lowest (in steps of 0.01) at which at most TARGET_FP of the false-positive queries hit
const fpMax = fps.map((q) => Math.max(0, ...q.others.flat().map((c) => score(model, c))));
const aliasOwn = aliases.map((q) => Math.max(0, ...q.own.map((c) => score(model, c))));
const rate = (xs: number[], t: number) => xs.filter((x) => x >= t).length / xs.length;
let threshold = 0.99;
for (let t = 0.3; t <= 0.99; t = Math.round((t + 0.01) * 100) / 100) {
  if (rate(fpMax, t) <= TARGET_FP) {
    threshold = t;
    break;
  }
}
const table = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, threshold].sort((a, b) => a - b).filter((t, i, all) => all.indexOf(t) === i)
  .map((t) => ({ threshold: t, fp: round4(rate(fpMax, t)), recall: round4(rate(aliasOwn, t)) }));
function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
const set = `2022 CSL, the half of the parties whose id hashes even: ${aliases.length} findable aliases; ` +
  `${fps.length} cross-list false-positive queries (the same half of the querying parties)`;
const out: Calibration = { features: FEATURES, coefficients: model.coefficients, threshold, targetFp: TARGET_FP, table, set };
const file = join(import.meta.dirname, '../node/src/screening/calibration.ts');
const text = `// Written by \`npm run calibrate:screening\` (scripts/calibrate-screening.ts); docs/screening.md says how.
export interface Calibration {
  features: string[];
  coefficients: number[];
  /** The default threshold: false positives on the calibration set at most \`targetFp\`. */
  threshold: number;
  targetFp: number;
  /** False-positive rate and alerting recall on the calibration set at a few thresholds. */
  table: { threshold: number; fp: number; recall: number }[];
  set: string;
}

export const CALIBRATION: Calibration = ${JSON.stringify(out, null, 2).replace(/"([a-zA-Z]+)":/g, '$1:').replace(/"/g, "'")};
`;
writeFileSync(file, text);
console.log(`threshold ${threshold}: false positives ${rate(fpMax, threshold).toFixed(4)}, alerting recall ${rate(aliasOwn, threshold).toFixed(4)} on the calibration set`);
console.table(table);
void ({} as EvalParty);
