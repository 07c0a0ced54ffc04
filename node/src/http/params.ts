// Path and query parameters checked against the identifier patterns of schemas/common.schema.json.
import { AppError } from '../domain/errors.js';
import { NODE_ID } from '../schema/patterns.js';

/** A path parameter of the given form; anything else is a resource that does not exist (404). */
export function pathParam(v: unknown, form: RegExp, notFound: string): string {
  const s = String(v);
  if (!form.test(s)) throw new AppError('not-found', notFound);
  return s;
}

export function nodeIdParam(v: unknown): string {
  return pathParam(v, NODE_ID, 'no such partner');
}

/** An optional query filter: the value when it is a NodeId, else no filter. */
export function nodeIdFilter(v: unknown): string | undefined {
  return typeof v === 'string' && NODE_ID.test(v) ? v : undefined;
}
