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
    'quality'
  ],
  coefficients: [
    -8.4447,
    4.1098,
    2.1894,
    0.9656,
    -0.0819,
    -2400,
    0.3174,
    -0.2689,
    1.6418
  ],
  threshold: 0.35,
  targetFp: 0.02,
  table: [
    {
      threshold: 0.35,
      fp: 0.0185,
      recall: 0.689
    },
    {
      threshold: 0.4,
      fp: 0.012,
      recall: 0.6524
    },
    {
      threshold: 0.5,
      fp: 0.0068,
      recall: 0.5876
    },
    {
      threshold: 0.6,
      fp: 0.0045,
      recall: 0.5199
    },
    {
      threshold: 0.7,
      fp: 0.0027,
      recall: 0.4362
    },
    {
      threshold: 0.8,
      fp: 0.0009,
      recall: 0.2994
    },
    {
      threshold: 0.9,
      fp: 0,
      recall: 0.1879
    }
  ],
  set: '2022 CSL, the half of the parties whose id hashes even: 8006 findable aliases; 6598 cross-list false-positive queries (the same half of the querying parties)'
};
