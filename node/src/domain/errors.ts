// Errors with stable codes, rendered once as RFC 9457 problem+json by the HTTP layer (style habit 6).
import type { ValidationError } from './validation.js';

export type ProblemCode =
  | 'bad-request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'transition'
  | 'precondition-failed'
  | 'too-large'
  | 'unsupported-media-type'
  | 'unprocessable'
  | 'stream-conflict'
  | 'rate-limited'
  | 'unavailable'
  | 'fingerprint-mismatch'
  | 'bad-bundle'
  | 'mode-mismatch'
  | 'not-exercise'
  | 'config'
  | 'internal';

const STATUS: Record<ProblemCode, number> = {
  'bad-request': 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  transition: 409,
  'precondition-failed': 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'stream-conflict': 409,
  'rate-limited': 429,
  unavailable: 503,
  'fingerprint-mismatch': 400,
  'bad-bundle': 400,
  'mode-mismatch': 400,
  'not-exercise': 409,
  config: 500,
  internal: 500,
};

const TITLES: Record<ProblemCode, string> = {
  'bad-request': 'Bad request',
  validation: 'The input does not satisfy the schema or the domain rules',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  conflict: 'Conflict',
  transition: 'The status transition is not allowed',
  'precondition-failed': 'The version in If-Match is not the current one',
  'too-large': 'Payload too large',
  'unsupported-media-type': 'Unsupported media type or content encoding',
  unprocessable: 'Unprocessable release',
  'stream-conflict': 'Stream position mismatch',
  'rate-limited': 'Too many requests',
  unavailable: 'Temporarily unavailable',
  'fingerprint-mismatch': 'The bundle does not match the fingerprint',
  'bad-bundle': 'The partner bundle is not acceptable',
  'mode-mismatch': 'Live and exercise nodes cannot be partners',
  'not-exercise': 'Only an exercise node can be reset',
  config: 'Configuration error',
  internal: 'Internal error',
};

export const PROBLEM_PREFIX = 'urn:entente:problem:';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly errors: ValidationError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
  get title(): string {
    return TITLES[this.code];
  }
}

export function problemBody(err: AppError, instance?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { type: PROBLEM_PREFIX + err.code, title: err.title, status: err.status };
  if (err.message) body.detail = err.message;
  if (instance) body.instance = instance;
  if (err.errors.length > 0)
    body.errors = err.errors.slice(0, 100).map((e) => ({ pointer: e.pointer, rule: e.rule, message: e.message }));
  Object.assign(body, err.extra);
  return body;
}

export function validationError(errors: ValidationError[], prefix = '', message = 'validation failed'): AppError {
  return new AppError(
    'validation',
    `${message}: ${errors
      .map((e) => prefix + e.pointer)
      .slice(0, 5)
      .join(', ')}`,
    errors.map((e) => ({ ...e, pointer: prefix + e.pointer })),
  );
}
