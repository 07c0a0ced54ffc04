// Shared middleware: request ids, media-type and encoding checks, bearer authentication.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../domain/errors.js';
import type { Role } from '../schema/types.js';
import { roleAllows, type Principal, type TokenService } from '../services/tokens.js';
import { sendProblem } from './problem.js';

export function requestId(): RequestHandler {
  return (_req, res, next) => {
    res.locals.reqId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.reqId as string);
    next();
  };
}

/** One JSON log line per request: id, method, path (no query), status, ms, and who (partner or token); never bodies. */
export function requestLog(log: Logger, listener: string, count?: (status: number) => void): RequestHandler {
  return (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const who = (res.locals.peer as string | undefined) ?? (res.locals.principal as Principal | undefined)?.name;
      count?.(res.statusCode);
      log.info(
        {
          reqId: res.locals.reqId,
          listener,
          method: req.method,
          path: req.path.slice(0, 200),
          status: res.statusCode,
          ms: Math.round(performance.now() - start),
          ...(who ? { who } : {}),
        },
        'request',
      );
    });
    next();
  };
}

/** Bodies must be identity-encoded JSON (docs/protocol.md §6.1: 415 otherwise). */
export function jsonOnly(): RequestHandler {
  return (req, res, next) => {
    const enc = req.headers['content-encoding'];
    if (enc !== undefined && enc.trim().toLowerCase() !== 'identity') {
      return sendProblem(res, new AppError('unsupported-media-type', 'only Content-Encoding: identity is accepted'));
    }
    const hasBody =
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
      req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      return sendProblem(res, new AppError('unsupported-media-type', 'the body must be application/json'));
    }
    next();
  };
}

export function bearerAuth(tokens: TokenService): RequestHandler {
  return (req, res, next) => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9_.~+/=-]{1,200})$/.exec(h) : null;
    const principal = tokens.authenticate(m?.[1], { method: req.method, path: req.path });
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendProblem(res, new AppError('unauthorized', 'a valid bearer token is required'));
    }
    res.locals.principal = principal;
    if (req.method === 'GET') tokens.recordUse(principal, req.method, req.path);
    next();
  };
}

/** While the database or the audit chain is broken, writes answer 503 (partners queue; nothing is lost). */
export function writeGuard(state: { writable(): string | null }): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const why = state.writable();
    if (why)
      return sendProblem(
        res,
        new AppError('unavailable', `this node refuses writes until an operator repairs it: ${why}`, [], {
          retryAfter: 300,
        }),
      );
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** `role` or above; `alsoExactly` are roles let through besides (the metrics role for GET /metrics). */
export function requireRole(role: Role, ...alsoExactly: Role[]): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const p = res.locals.principal as Principal | undefined;
    if (!p || !(roleAllows(p.role, role) || alsoExactly.includes(p.role)))
      return sendProblem(res, new AppError('forbidden', `this needs the ${[role, ...alsoExactly].join(' or ')} role`));
    next();
  };
}

export interface ObservedResponse {
  listener: 'operator' | 'federation';
  method: string;
  /** The path without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** What res.send() was given (text for JSON), or undefined (streams, empty answers). */
  body: unknown;
}

/** Hands every response to `observe` once it is sent (the contract tests validate them). */
export function observeResponses(
  listener: ObservedResponse['listener'],
  observe: (r: ObservedResponse) => void,
): RequestHandler {
  return (req, res, next) => {
    let body: unknown;
    const send = res.send.bind(res);
    res.send = (b?: unknown) => {
      body = b;
      return send(b);
    };
    res.on('finish', () => {
      const contentType = res.get('content-type');
      observe({
        listener,
        method: req.method,
        path: req.originalUrl.split('?')[0]!,
        status: res.statusCode,
        contentType,
        body,
      });
    });
    next();
  };
}
