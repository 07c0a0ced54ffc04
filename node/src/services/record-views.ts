// The shapes the record service answers in (its operator API views).
import type { RecordType } from '../domain/redaction.js';
import type { Json } from '../domain/validation.js';

/** A received version that broke cross-version rules against the version held (applied, alarmed). */
export interface ReviewEntry {
  version: number;
  heldVersion: number;
  violations: { rule: string; pointer: string; message: string }[];
  at: string;
}

export interface VersionView {
  version: number;
  record: Record<string, Json>;
  digest: string;
  origin: 'own' | 'received';
  signature?: string;
  jws?: string;
  redacted?: string[];
  agreement?: unknown;
  stream?: string;
  seq?: number;
  receivedAt?: string;
}

export interface RecordDetail {
  id: string;
  type: RecordType;
  origin: string;
  labels: string[];
  recalled: boolean;
  /** Cross-version findings awaiting an analyst's review (label `cross-version-violation`), or null. */
  review: ReviewEntry[] | null;
  current: VersionView;
  history: VersionView[];
}

export interface RecordSummary {
  id: string;
  type: RecordType;
  version: number;
  origin: string;
  status: string;
  labels: string[];
  recalled: boolean;
  record: Record<string, Json>;
}

export interface SearchParams {
  q?: string;
  type?: RecordType;
  origin?: string;
  status?: string;
  destination?: string;
  control?: string;
  regime?: string;
  after?: string;
  limit?: number;
}
