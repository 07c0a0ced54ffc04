// Written by `npm run calibrate:screening` (scripts/calibrate-screening.ts); docs/screening.md says how.
export interface Calibration {
  features: string[];
  coefficients: number[];
  /** The default threshold: false positives on the calibration set at most `targetFp`. */
  threshold: number;
  targetFp: number;
  /** False-positive rate and alerting recall on the calibration set at a few thresholds. */
  table: { threshold: number; fp: number; recall: number }[];
  set: string;
}

export const CALIBRATION: Calibration = {
  features: [
    'bias',
    'cover-min',
    'cover-max',
    'evidence',
    'short',
    'acronym',
    'surname-matched',
    'surname-missed',
    'quality',
  ],
  coefficients: [-8.7934, 4.1855, 2.1511, 0.9601, -0.0812, -2400, 0.35, -0.2706, 1.9627],
  threshold: 0.34,
  targetFp: 0.02,
  table: [
    {
      threshold: 0.34,
      fp: 0.0197,
      recall: 0.701,
    },
    {
      threshold: 0.4,
      fp: 0.0121,
      recall: 0.6606,
    },
    {
      threshold: 0.5,
      fp: 0.0068,
      recall: 0.5961,
    },
    {
      threshold: 0.6,
      fp: 0.0047,
      recall: 0.5304,
    },
    {
      threshold: 0.7,
      fp: 0.0026,
      recall: 0.4443,
    },
    {
      threshold: 0.8,
      fp: 0.0006,
      recall: 0.3054,
    },
    {
      threshold: 0.9,
      fp: 0,
      recall: 0.188,
    },
  ],
  set: '2022 CSL, half of the parties (id hash even): 8006 findable aliases, 6598 false-positive queries',
};
