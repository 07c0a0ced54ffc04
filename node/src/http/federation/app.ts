// The federation API (docs/protocol.md §6.9), served only over mTLS. Every request is resolved against the
// live partner registry before any route runs; an unknown peer gets 403 naming nobody.
import type { TLSSocket } from 'node:tls';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../domain/errors.js';
import type { PartnerService } from '../../exchange/partners.js';
import { errorHandler, sendProblem } from '../problem.js';
import { observeResponses, requestId, requestLog, writeGuard, type ObservedResponse } from '../middleware.js';
import { partnerLimiter } from '../limits.js';

export interface NodeInfoSource {
  nodeInfo(): Record<string, unknown>;
}

export interface FederationDeps {
  partners: PartnerService;
  info: NodeInfoSource;
  log: Logger;
  /** Extra routes (feed, inbox, receipts) mounted after peer resolution. */
  routes?: (app: Express) => void;
  /** Called with the socket and the partner it was resolved to (socket tracking). */
  onPeer?: (socket: TLSSocket, nodeId: string) => void;
  /** Why writes are refused, or null. */
  writable?: () => string | null;
  limits?: { ratePerSecond: number; burst: number; concurrent: number; now: () => number };
  countRequest?: (status: number) => void;
  /** Sees every response sent (contract tests). */
  observe?: (r: ObservedResponse) => void;
}

function peerIdentity(deps: FederationDeps): RequestHandler {
  return (req, res, next) => {
    const socket = req.socket as TLSSocket;
    const cert = socket.authorized ? socket.getPeerX509Certificate() : undefined;
    const nodeId = deps.partners.resolvePeer(cert);
    if (!nodeId) {
      deps.log.warn(
        { reqId: res.locals.reqId, path: req.path },
        'federation request refused: peer is not a registered partner',
      );
      return sendProblem(res, new AppError('forbidden', ''));
    }
    res.locals.peer = nodeId;
    deps.onPeer?.(socket, nodeId);
    next();
  };
}

export function createFederationApp(deps: FederationDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.observe) app.use(observeResponses('federation', deps.observe));
  app.use(requestId());
  app.use(requestLog(deps.log, 'federation', deps.countRequest));
  app.use(peerIdentity(deps));
  if (deps.limits) app.use(partnerLimiter(deps.limits));
  app.use(writeGuard({ writable: deps.writable ?? (() => null) }));
  app.get('/v1/node', (_req, res) => {
    res.json(deps.info.nodeInfo());
  });
  deps.routes?.(app);
  app.use((_req, res) => sendProblem(res, new AppError('not-found', '')));
  app.use(errorHandler(deps.log));
  return app;
}
