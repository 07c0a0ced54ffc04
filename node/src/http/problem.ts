// Renders every error once as RFC 9457 problem+json. A 5xx says nothing internal.
import type { ErrorRequestHandler, Response } from 'express';
import { AppError, problemBody } from '../domain/errors.js';
import type { Logger } from 'pino';

export function sendProblem(res: Response, err: AppError, instance?: string): void {
  if (err.status === 429 || err.status === 503) {
    const retry = err.extra.retryAfter;
    if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
  }
  res
    .status(err.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(err, instance)));
}

/** Maps body-parser and other framework errors to stable problems. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError('too-large', 'the request body exceeds the limit');
    case 'encoding.unsupported':
      return new AppError('unsupported-media-type', 'only Content-Encoding: identity is accepted');
    case 'charset.unsupported':
      return new AppError('unsupported-media-type', 'only UTF-8 JSON is accepted');
    case 'entity.parse.failed':
      return new AppError('bad-request', 'the body is not valid JSON');
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('bad-request', 'the request body was incomplete');
    default:
      break;
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose)
    return new AppError('bad-request', 'bad request');
  return new AppError('internal', '');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const app = toAppError(err);
    if (app.status >= 500) log.error({ err, reqId: res.locals.reqId }, 'request failed');
    if (res.headersSent) return;
    sendProblem(res, app);
  };
}
