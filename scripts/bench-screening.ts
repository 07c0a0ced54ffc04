// npm run bench:screening: matcher quality on the real lists in ../shared/data, by the definitions of
// docs/screening.md ("Evaluation"): findable aliases (difflib ratio ≥ 0.5 on normalised, token-sorted
// strings against another name of the party), alerting recall at the default threshold and ranking
// recall@10 with the alias taken out of the index, and false positives on other lists' names; beside
// two baselines measured in the same run. Options: --sample K (every K-th query), --misses FILE,
// --check-difflib (compares the difflib port with python3 on a sample).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { DEFAULT_THRESHOLD } from '../node/src/screening/service.js';
import { TokenSortBaseline } from './screening-eval/baselines.js';
import { calibrationHalf, loadCsl, loadNsfreg, type EvalParty } from './screening-eval/data.js';
import { findability, sequenceRatio, tokenSorted } from './screening-eval/difflib.js';
import { EvalIndex, partyOf } from './screening-eval/harness.js';
import { crossListSets, type FpSet } from './screening-eval/negatives.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SAMPLE = Math.max(1, Number(arg('--sample') ?? 1));
/** Queries the baselines compare with every indexed name (a fixed sample: they are brute force). */
const BASELINE_QUERIES = Number(arg('--baseline-queries') ?? 3000);
const log = (s: string) => process.stderr.write(`${s}\n`);
const T = DEFAULT_THRESHOLD;
const nonLatin = (s: string) => /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(s);

if (process.argv.includes('--check-difflib')) checkDifflib(loadCsl());

interface Row {
  label: string;
  queries: number;
  alert: number;
  at10: number;
  fp?: number;
}
const report: Row[] = [];
const misses: string[] = [];

function aliasQueries(parties: EvalParty[]): { p: EvalParty; alias: string }[] {
  const out: { p: EvalParty; alias: string }[] = [];
  let seen = 0;
  for (const p of parties) {
    for (const alias of p.names.slice(1)) {
      const others = p.names.filter((n) => n !== alias);
      if (!others.some((o) => findability(alias, o) >= 0.5)) continue;
      if (seen++ % SAMPLE === 0) out.push({ p, alias });
    }
  }
  return out;
}

function evaluate(label: string, parties: EvalParty[]): void {
  const t0 = performance.now();
  const index = new EvalIndex(parties);
  log(
    `${label}: ${parties.length} parties, ${index.names} names indexed in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const queries = aliasQueries(parties);
  const all = parties.reduce((n, p) => n + p.names.length - 1, 0);
  log(`  ${queries.length} findable aliases queried (of ${all} aliases${SAMPLE > 1 ? `, every ${SAMPLE}th` : ''})`);
  const count = { n: 0, alert: 0, at10: 0, script: { n: 0, alert: 0, at10: 0 }, calib: { n: 0, alert: 0, at10: 0 } };
  const lat: number[] = [];
  for (const { p, alias } of queries) {
    const t = performance.now();
    const hits = index.screenWithout(p, alias, alias);
    lat.push(performance.now() - t);
    const mine = hits.filter((h) => partyOf(h) === p.id);
    const at10 = mine.length > 0;
    const alert = mine.some((h) => h.score >= T);
    for (const c of [
      count,
      ...(nonLatin(alias) ? [count.script] : []),
      ...(calibrationHalf(p.id) ? [count.calib] : []),
    ]) {
      c.n++;
      if (alert) c.alert++;
      if (at10) c.at10++;
    }
    if (!alert)
      misses.push(
        [
          label,
          alias,
          p.names
            .filter((n) => n !== alias)
            .slice(0, 3)
            .join(' | '),
          mine[0]?.score.toFixed(3) ?? '-',
          hits
            .slice(0, 2)
            .map((h) => `${h.matchedName} ${h.score.toFixed(2)}`)
            .join(' | '),
        ].join('\t'),
      );
    if (count.n % 2000 === 0) log(`  ${count.n} queries`);
  }
  lat.sort((x, y) => x - y);
  const pct = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]?.toFixed(1);
  report.push({
    label: `${label}: matcher`,
    queries: count.n,
    alert: count.alert / count.n,
    at10: count.at10 / count.n,
  });
  report.push({
    label: `${label}: matcher, held-out half (not in the calibration set)`,
    queries: count.n - count.calib.n,
    alert: (count.alert - count.calib.alert) / (count.n - count.calib.n),
    at10: (count.at10 - count.calib.at10) / (count.n - count.calib.n),
  });
  if (count.script.n > 0)
    report.push({
      label: `${label}: matcher, original-script aliases`,
      queries: count.script.n,
      alert: count.script.alert / count.script.n,
      at10: count.script.at10 / count.script.n,
    });
  log(`  latency p50 / p95 ${pct(0.5)} / ${pct(0.95)} ms at ${index.names} names`);
  index.close();
  baselines(label, parties, queries);
}

/** Baseline thresholds: where each baseline's false positives on the cross-list sets fall to 2 %. */
const baselineThreshold = { tsr: 1 };

function baselines(label: string, parties: EvalParty[], queries: { p: EvalParty; alias: string }[]): void {
  const base = new TokenSortBaseline(parties.flatMap((p) => p.names.map((name) => ({ name, party: p.id }))));
  const step = Math.max(1, Math.ceil(queries.length / BASELINE_QUERIES));
  let n = 0,
    exact = 0,
    tsrAlert = 0,
    tsrAt10 = 0;
  for (let i = 0; i < queries.length; i += step) {
    const { p, alias } = queries[i]!;
    n++;
    if (base.exactParties(alias, { party: p.id, name: alias }).includes(p.id)) exact++;
    const top = base.top(alias, 10, { party: p.id, name: alias });
    const mine = top.find((s) => s.party === p.id);
    if (mine) tsrAt10++;
    if (mine && mine.score >= baselineThreshold.tsr) tsrAlert++;
  }
  report.push({ label: `${label}: baseline exact after normalisation`, queries: n, alert: exact / n, at10: exact / n });
  report.push({
    label: `${label}: baseline token-sort ratio ≥ ${baselineThreshold.tsr.toFixed(2)}`,
    queries: n,
    alert: tsrAlert / n,
    at10: tsrAt10 / n,
  });
}

function falsePositives(sets: FpSet[]): void {
  const scores: number[] = [];
  for (const s of sets) {
    const index = new EvalIndex(s.indexed);
    const base = new TokenSortBaseline(s.indexed.flatMap((p) => p.names.map((name) => ({ name, party: p.id }))));
    let fp = 0,
      exact = 0;
    for (const [k, q] of s.queries.entries()) {
      if (k % SAMPLE !== 0) continue;
      const hits = index.screen(q.name);
      if (hits.some((h) => h.score >= T)) {
        fp++;
        misses.push(['FP ' + s.label, q.name, hits[0]!.matchedName, hits[0]!.score.toFixed(3)].join('\t'));
      }
      if (base.exactParties(q.name).length > 0) exact++;
      scores.push(base.top(q.name, 1)[0]?.score ?? 0);
    }
    const n = Math.ceil(s.queries.length / SAMPLE);
    report.push({ label: `false positives, ${s.label}: matcher`, queries: n, alert: 0, at10: 0, fp: fp / n });
    report.push({ label: `false positives, ${s.label}: baseline exact`, queries: n, alert: 0, at10: 0, fp: exact / n });
    index.close();
  }
  // the token-sort baseline's threshold: the lowest at which its false positives are at most 2 %
  scores.sort((x, y) => y - x);
  baselineThreshold.tsr = Math.min(1, (scores[Math.floor(0.02 * scores.length)] ?? 0.99) + 1e-9);
  report.push({
    label: `false positives, all sets: baseline token-sort ratio ≥ ${baselineThreshold.tsr.toFixed(2)}`,
    queries: scores.length,
    alert: 0,
    at10: 0,
    fp: scores.filter((x) => x >= baselineThreshold.tsr).length / scores.length,
  });
}

const csl = loadCsl();
const ns = loadNsfreg();
falsePositives(crossListSets(csl, ns));
evaluate('CSL 2022', csl);
if (ns.length > 0) evaluate('US lists 2023-26', ns);
console.log(`default threshold ${T}; targets: alerting recall ≥ 0.90, recall@10 ≥ 0.97, false positives ≤ 0.02`);
console.log('| set | queries | alerting recall | recall@10 | false positives |');
console.log('|---|---|---|---|---|');
for (const r of report) {
  const f = (x: number) => x.toFixed(3);
  console.log(
    r.fp === undefined
      ? `| ${r.label} | ${r.queries} | ${f(r.alert)} | ${f(r.at10)} | |`
      : `| ${r.label} | ${r.queries} | | | ${f(r.fp)} |`,
  );
}
if (arg('--misses')) writeFileSync(arg('--misses')!, misses.join('\n') + '\n');

function checkDifflib(parties: EvalParty[]): void {
  const pairs: [string, string][] = [];
  for (let i = 0; i < parties.length && pairs.length < 2000; i += 5) {
    const p = parties[i]!;
    pairs.push([p.names[0]!, p.names[1] ?? parties[(i * 7919) % parties.length]!.names[0]!]);
  }
  const py = [
    'import sys, json, difflib, re, unicodedata',
    'def norm(s):',
    "  s = unicodedata.normalize('NFKD', s)",
    "  s = ''.join(c for c in s if not unicodedata.combining(c)).casefold()",
    "  s = re.sub(r\"['\u2019`\u02bc]\", '', s)",
    "  return ' '.join(sorted(re.sub(r'\\W+', ' ', s).split()))",
    'for a, b in json.load(sys.stdin): print(repr(difflib.SequenceMatcher(None, norm(a), norm(b)).ratio()))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', py], { input: JSON.stringify(pairs) })
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  const differ = pairs.filter(([a, b], i) => sequenceRatio(tokenSorted(a), tokenSorted(b)) !== out[i]).length;
  console.log(`difflib port against python3 difflib: ${pairs.length} pairs, ${differ} differ`);
}
