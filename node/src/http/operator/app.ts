// The operator API (docs/protocol.md §10) on the loopback listener. Routes are thin: authorise, take validated
// input, call one service, map the result.
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../domain/errors.js';
import type { TokenService } from '../../services/tokens.js';
import {
  bearerAuth,
  jsonOnly,
  observeResponses,
  requestId,
  requestLog,
  writeGuard,
  type ObservedResponse,
} from '../middleware.js';
import { errorHandler, sendProblem } from '../problem.js';
import { depthGuard } from '../limits.js';

export interface HealthSource {
  health(): { ok: boolean } & Record<string, unknown>;
}

export interface OperatorDeps {
  tokens: TokenService;
  health: HealthSource;
  log: Logger;
  bodyLimitBytes: number;
  /** Route modules mounted under /admin/v1 after authentication. */
  routers: Router[];
  /** Route modules that authenticate for themselves, by mount path (TAXII: HTTP Basic, its own errors). */
  selfAuthenticated?: [string, Router][];
  /** Route modules that read a streamed, non-JSON body themselves (list uploads), mounted before the JSON parser. */
  uploads?: Router[];
  /** Why writes are refused (database or audit chain broken), or null. */
  writable?: () => string | null;
  /** Routes served without a token (the API description and its reference page). */
  public?: Router;
  /** Extra authenticated routes outside /admin/v1 (GET /metrics). */
  extra?: (app: Express) => void;
  countRequest?: (status: number) => void;
  jsonDepth?: number;
  /** Sees every response sent (contract tests). */
  observe?: (r: ObservedResponse) => void;
  /** The web console: its own sessions, answering only its own paths, before bearer authentication. */
  console?: Router;
  /** live or exercise (docs/protocol.md §14.5): every response says which, in `Entente-Mode`. */
  mode?: 'live' | 'exercise';
}

export function createOperatorApp(deps: OperatorDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  if (deps.observe) app.use(observeResponses('operator', deps.observe));
  app.use(requestId());
  const mode = deps.mode ?? 'live';
  app.use((_req, res, next) => {
    // clients (the CLI's tables, the exercise runner) mark what they show from this header
    res.setHeader('Entente-Mode', mode);
    next();
  });
  app.use(requestLog(deps.log, 'operator', deps.countRequest));
  app.get('/healthz', (_req, res) => {
    const h = deps.health.health();
    res.status(h.ok ? 200 : 503).json(h);
  });
  if (deps.public) app.use(deps.public);
  if (deps.console) app.use(deps.console);
  for (const [path, router] of deps.selfAuthenticated ?? []) app.use(path, router);
  app.use(bearerAuth(deps.tokens));
  deps.extra?.(app);
  app.use(writeGuard({ writable: deps.writable ?? (() => null) }));
  for (const r of deps.uploads ?? []) app.use('/admin/v1', r);
  app.use(jsonOnly());
  app.use(express.json({ limit: deps.bodyLimitBytes, strict: false, type: 'application/json', inflate: false }));
  app.use(depthGuard(deps.jsonDepth ?? 64));
  for (const r of deps.routers) app.use('/admin/v1', r);
  app.use((_req, res) => sendProblem(res, new AppError('not-found', 'no such operator route')));
  app.use(errorHandler(deps.log));
  return app;
}
