// The design examples as publishable inputs (envelope members dropped: the node assigns them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSIGNED } from '../../node/src/domain/lifecycle.js';

const dir = join(import.meta.dirname, '../fixtures/design');

export function example(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, name.endsWith('.json') ? name : `${name}.json`), 'utf8'));
}

/** The example as a version-1 publication body: assigned members removed, status reset. */
export function asNew(name: string, overrides: Record<string, unknown> = {}): Record<string, any> {
  const r = example(name);
  for (const k of ASSIGNED) delete r[k];
  delete r.statusReason;
  r.status = r.findingType ? 'OPEN' : 'ACTIVE';
  return { ...r, ...overrides };
}

export function publishBody(
  name: string,
  overrides: Record<string, unknown> = {},
): { type: 'denial' | 'finding'; record: Record<string, any> } {
  const record = asNew(name, overrides);
  return { type: record.findingType ? 'finding' : 'denial', record };
}
