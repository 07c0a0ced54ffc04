// Request bodies are validated against their schema at the route (style habit 2): one path for
// both APIs. The definitions live in schemas/api.schema.json.
import type { RequestHandler } from 'express';
import { AppError, validationError } from '../domain/errors.js';
import { encodingErrors } from '../domain/validation.js';
import { schemas, type SchemaError } from '../schema/registry.js';

export interface BodyOptions {
  /** Also check M1/M3 over the whole body (default true; federation bodies are JWS the checks verify). */
  encoding?: boolean;
  /** The problem for a body the schema refuses (default: 400 naming each member). When given, a
   * missing body is validated like any other value. */
  invalid?: (errors: SchemaError[]) => AppError;
  /** A request without a body passes (the operation has defaults for everything). */
  optional?: boolean;
  /** A JSON null passes (e.g. an agreement withdrawn). */
  nullable?: boolean;
  /** Error pointers are prefixed with this (the body is a member of what the operation names). */
  prefix?: string;
  /** The problem's detail before the pointers (default "validation failed"). */
  message?: string;
  /** The detail of the 400 for a missing body. */
  missing?: string;
}

/** Validates req.body against `api.schema.json#/$defs/<def>`. */
export function body(def: string, o: BodyOptions = {}): RequestHandler {
  const refuse = (errors: SchemaError[]) =>
    validationError(
      errors.map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message })),
      o.prefix,
      o.message,
    );
  return (req, _res, next) => {
    if (req.body === undefined && o.optional) return next();
    if (req.body === null && o.nullable) return next();
    if (req.body === undefined && !o.invalid)
      return next(new AppError('bad-request', o.missing ?? 'a JSON body is required'));
    const errors = schemas().validate('api', req.body, def);
    if (errors.length > 0) return next((o.invalid ?? refuse)(errors));
    if (o.encoding !== false) {
      const enc = encodingErrors(req.body);
      if (enc.length > 0) return next(validationError(enc, o.prefix, o.message));
    }
    next();
  };
}
