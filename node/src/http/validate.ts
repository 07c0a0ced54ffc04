// Validates request bodies against api.schema.json at the edge.
import type { RequestHandler } from 'express';
import { validationError, AppError } from '../domain/errors.js';
import { schemas } from '../schema/registry.js';
import { encodingErrors } from '../domain/validation.js';

export function body(def: string): RequestHandler {
  return (req, _res, next) => {
    if (req.body === undefined) return next(new AppError('bad-request', 'a JSON body is required'));
    const errors = schemas().validate('api', req.body, def);
    if (errors.length > 0) return next(validationError(errors.map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message }))));
    const enc = encodingErrors(req.body);
    if (enc.length > 0) return next(validationError(enc));
    next();
  };
}
