// npm run calibrate:screening: fits the name score (a logistic model over the features of
// screening/similarity.ts) and chooses the default threshold, on the calibration set of
// docs/screening.md: half of the parties of the 2022 CSL (by a hash of the id) for the findable
// aliases, and half of the cross-list false-positive queries. The other half, and the 2023–26 lists'
// aliases, are held out for `npm run bench:screening`. Writes node/src/screening/calibration.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALIBRATION, type Calibration } from '../node/src/screening/calibration.js';
import { featureVector, FEATURES, nameScore, type NameComparison } from '../node/src/screening/similarity.js';
import { calibrationHalf, loadCsl, loadNsfreg } from './screening-eval/data.js';
import { chooseThreshold, fit, rate, thresholdTable } from './screening-eval/fit.js';
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
  for (const q of s.queries.filter((x) => calibrationHalf(x.party)))
    fps.push(byParty(index.compareWithout(null, '', q.name), null));
  index.close();
  log(`  ${fps.length} false-positive queries`);
}

const score = (m: Calibration, c: NameComparison) => nameScore(c, 0, m);
const best = (m: Calibration, list: NameComparison[]) =>
  list.reduce<NameComparison | null>((b, c) => (!b || score(m, c) > score(m, b) ? c : b), null);

/**
 * Samples under a model: each alias query's best own name (positive) and best names of the three best other parties
 * (negative).
 */
function samples(m: Calibration): { x: number[]; y: number }[] {
  const out: { x: number[]; y: number }[] = [];
  for (const q of [...aliases, ...fps]) {
    const own = best(m, q.own);
    if (own) out.push({ x: featureVector(own), y: 1 });
    const others = q.others
      .map((l) => best(m, l)!)
      .sort((a, b) => score(m, b) - score(m, a))
      .slice(0, 3);
    for (const o of others) out.push({ x: featureVector(o), y: 0 });
  }
  return out;
}

let model: Calibration = { ...CALIBRATION, features: FEATURES };
for (let round = 0; round < 3; round++) {
  const data = samples(model);
  // the acronym feature is separable in this data (no acronym is a findable alias); kept finite
  model = { ...model, coefficients: fit(data, model.coefficients).map((v) => Math.round(Math.max(-5, v) * 1e4) / 1e4) };
  log(`round ${round + 1}: ${data.length} samples; coefficients ${model.coefficients.join(', ')}`);
}

const fpMax = fps.map((q) => Math.max(0, ...q.others.flat().map((c) => score(model, c))));
const aliasOwn = aliases.map((q) => Math.max(0, ...q.own.map((c) => score(model, c))));
const threshold = chooseThreshold(fpMax, TARGET_FP);
const table = thresholdTable(fpMax, aliasOwn, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, threshold]);
const set =
  `2022 CSL, half of the parties (id hash even): ${aliases.length} findable aliases, ` +
  `${fps.length} false-positive queries`;
const out: Calibration = {
  features: FEATURES,
  coefficients: model.coefficients,
  threshold,
  targetFp: TARGET_FP,
  table,
  set,
};
const file = join(import.meta.dirname, '../node/src/screening/calibration.ts');
const text = `// Written by \`npm run calibrate:screening\` (scripts/calibrate-screening.ts); docs/screening.md: how.
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

export const CALIBRATION: Calibration = ${JSON.stringify(out, null, 2)
  .replace(/"([a-zA-Z]+)":/g, '$1:')
  .replace(/"/g, "'")};
`;
writeFileSync(file, text);
console.log(
  `threshold ${threshold}: false positives ${rate(fpMax, threshold).toFixed(4)}, ` +
    `alerting recall ${rate(aliasOwn, threshold).toFixed(4)} on the calibration set`,
);
console.log(table.map((r) => `| ${r.threshold.toFixed(2)} | ${r.fp.toFixed(4)} | ${r.recall.toFixed(4)} |`).join('\n'));
console.table(table);
