// Small pure helpers of the STIX mapping: timestamps, member names, display text.
import type { JsonValue } from './stix-static.js';

export type JsonObject = { [k: string]: JsonValue };

export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function objects(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}

export function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A records-v1 Timestamp (whole seconds) as a STIX timestamp with milliseconds. */
export function stixTimestamp(ts: string): string {
  return /\.\d+Z$/.test(ts) ? ts : ts.replace(/Z$/, '.000Z');
}

/** The records-v1 Timestamp a STIX timestamp made by stixTimestamp() came from. */
export function recordTimestamp(ts: string): string {
  return ts.replace(/\.000Z$/, 'Z');
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const camel = (k: string) => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Member names in snake_case, as STIX asks of property names, at every depth. Empty lists and nulls
 * are left out: STIX allows neither (the only null of records-v1 is an UNLISTED control code).
 */
export function snakeKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || (Array.isArray(x) && x.length === 0)) continue;
    out[snake(k)] = snakeKeys(x);
  }
  return out;
}

/** The inverse of snakeKeys() for member names (empty lists and nulls it left out stay out). */
export function camelKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[camel(k)] = camelKeys(x);
  return out;
}

/** An enum value such as END_USER as a STIX vocabulary term: end-user. */
export function kebab(v: string): string {
  return v.toLowerCase().replace(/[_+]/g, '-');
}

export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
