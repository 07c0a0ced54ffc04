// A value read from a record or a partner, as text: strings as they are, numbers and booleans
// printed, objects as JSON, nothing as ''. Never "[object Object]" in a page, an export or a cell.
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
