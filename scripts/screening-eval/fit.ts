// The calibration's arithmetic (docs/screening.md, "Ranking and calibration"): a logistic fit, and the
// threshold at which a share of false-positive queries hit.

/** Logistic regression by Newton's method with a small ridge. */
export function fit(data: { x: number[]; y: number }[], start: number[]): number[] {
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

/** The share of scores at or above a threshold. */
export function rate(scores: number[], t: number): number {
  return scores.length === 0 ? 0 : scores.filter((x) => x >= t).length / scores.length;
}

/**
 * The lowest threshold (in steps of 0.01, from 0.2) at which at most `target` of the false-positive queries' best
 * scores reach it.
 */
export function chooseThreshold(fpMax: number[], target: number): number {
  for (let t = 0.2; t <= 0.99; t = Math.round((t + 0.01) * 100) / 100) if (rate(fpMax, t) <= target) return t;
  return 0.99;
}

/** False-positive rate and recall at some thresholds, rounded to four places. */
export function thresholdTable(
  fpMax: number[],
  own: number[],
  thresholds: number[],
): { threshold: number; fp: number; recall: number }[] {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return [...new Set(thresholds)]
    .sort((a, b) => a - b)
    .map((t) => ({ threshold: t, fp: r4(rate(fpMax, t)), recall: r4(rate(own, t)) }));
}
