// The calibrated default threshold (docs/screening.md, "Ranking and calibration"): the threshold in
// force is the calibrated one, the documented false-positive rate is the calibration's, and moving the
// threshold moves the false-positive rate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALIBRATION } from '../../node/src/screening/calibration.js';
import { DEFAULT_THRESHOLD } from '../../node/src/screening/service.js';
import { chooseThreshold, fit, rate, thresholdTable } from '../../scripts/screening-eval/fit.js';

describe('calibration', () => {
  it('the default threshold is the calibrated one, within the false-positive target on the calibration set', () => {
    expect(DEFAULT_THRESHOLD).toBe(CALIBRATION.threshold);
    const row = CALIBRATION.table.find((r) => r.threshold === CALIBRATION.threshold)!;
    expect(row.fp).toBeLessThanOrEqual(CALIBRATION.targetFp);
    // a lower threshold in the table lets more false positives through, a higher one fewer
    const lower = CALIBRATION.table.filter((r) => r.threshold < CALIBRATION.threshold);
    expect(lower.every((r) => r.fp > CALIBRATION.targetFp)).toBe(true);
    for (let i = 1; i < CALIBRATION.table.length; i++) {
      expect(CALIBRATION.table[i]!.fp).toBeLessThanOrEqual(CALIBRATION.table[i - 1]!.fp);
      expect(CALIBRATION.table[i]!.recall).toBeLessThanOrEqual(CALIBRATION.table[i - 1]!.recall);
    }
  });

  it('docs/screening.md documents the calibration table in force', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/screening.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Calibration table'));
    const rows = [...section.matchAll(/^\| (\d\.\d\d)( \(default\))? \| (\d\.\d{4}) \| (\d\.\d{4}) \|$/gm)].map(
      (m) => ({ threshold: Number(m[1]), fp: Number(m[3]), recall: Number(m[4]) }),
    );
    expect(rows).toEqual(CALIBRATION.table);
    expect(section).toContain(`| ${CALIBRATION.threshold.toFixed(2)} (default) |`);
  });

  it('a changed threshold changes the false-positive rate, and a changed target the threshold', () => {
    // best scores of 100 false-positive queries and 100 findable aliases, spread evenly
    const fp = Array.from({ length: 100 }, (_, i) => i / 100);
    const own = Array.from({ length: 100 }, (_, i) => 0.3 + (0.7 * i) / 100);
    const t2 = chooseThreshold(fp, 0.02);
    const t10 = chooseThreshold(fp, 0.1);
    expect(t2).toBe(0.98);
    expect(t10).toBe(0.9);
    expect(rate(fp, t2)).toBe(0.02);
    expect(rate(fp, t10)).toBe(0.1);
    const table = thresholdTable(fp, own, [t10, t2]);
    expect(table[0]!.fp).toBeGreaterThan(table[1]!.fp);
    expect(table[0]!.recall).toBeGreaterThan(table[1]!.recall);
  });

  it('the logistic fit separates what can be separated', () => {
    const data = Array.from({ length: 200 }, (_, i) => ({ x: [1, i / 200], y: i / 200 > 0.5 ? 1 : 0 }));
    const [b, w] = fit(data, [0, 0]);
    expect(w!).toBeGreaterThan(10);
    expect(Math.abs(-b! / w! - 0.5)).toBeLessThan(0.02);
  });
});
