// GET /v1/feed, POST /v1/inbox, POST /v1/receipts (brief §6.9). The peer is already resolved.
import express, { type Express, type Response } from 'express';
import { AppError, validationError } from '../../domain/errors.js';
import type { AuditService } from '../../core/audit.js';
import type { IngestService } from '../../exchange/inbound/ingest.js';
import type { ReceiptService } from '../../exchange/outbound/receipts.js';
import type { StreamService } from '../../exchange/outbound/streams.js';
import type { Store } from '../../store/index.js';
import { schemas } from '../../schema/registry.js';
import { jsonOnly } from '../middleware.js';
import { depthGuard } from '../limits.js';

export interface FederationRouteDeps {
  streams: StreamService;
  ingest: IngestService;
  receipts: ReceiptService;
  audit: AuditService;
  store: Store;
  maxBatchBytes: number;
  clockNow: () => number;
  jsonDepth: number;
}

function peer(res: Response): string {
  return res.locals.peer as string;
}

function intParam(v: unknown, name: string, min: number, max: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(v)) throw new AppError('bad-request', `${name} must be an integer ${min}..${max}`, [{ pointer: `/query/${name}`, rule: 'query', message: 'bad integer' }]);
  const n = Number(v);
  if (n < min || n > max) throw new AppError('bad-request', `${name} must be an integer ${min}..${max}`, [{ pointer: `/query/${name}`, rule: 'query', message: 'out of range' }]);
  return n;
}

export function federationRoutes(deps: FederationRouteDeps): (app: Express) => void {
  return (app) => {
    app.get('/v1/feed', (req, res) => {
      const q = req.query as Record<string, unknown>;
      for (const k of Object.keys(q)) if (k !== 'after' && k !== 'limit') throw new AppError('bad-request', `unknown parameter ${k.slice(0, 40)}`, [{ pointer: '/query', rule: 'query', message: 'unknown parameter' }]);
      const after = intParam(q.after, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(q.limit, 'limit', 1, 1000, 100);
      const p = peer(res);
      const page = deps.streams.page(p, after, limit, deps.maxBatchBytes - 1024);
      deps.store.tx(() => {
        deps.store.exchange.updateOutStream(p, { last_pull_by_partner_at: new Date(deps.clockNow()).toISOString() });
        deps.audit.append({ action: 'federation.pull', actor: `partner:${p}`, subject: p, details: { after, limit, items: page.items.length, head: page.head.seq } });
      });
      res.json({ stream: page.stream, items: page.items.map((r) => r.jws), more: page.more, head: page.head });
    });
    const parse = express.json({ limit: deps.maxBatchBytes, strict: true, type: 'application/json', inflate: false });
    app.post('/v1/inbox', jsonOnly(), parse, depthGuard(deps.jsonDepth), async (req, res) => {
      const errors = schemas().validate('api', req.body, 'InboxBody');
      if (errors.length) throw validationError(errors);
      const r = await deps.ingest.ingestBatch(peer(res), (req.body as { items: string[] }).items, 'push');
      res.json({ receipt: r.receipt });
    });
    app.post('/v1/receipts', jsonOnly(), parse, depthGuard(deps.jsonDepth), (req, res) => {
      const errors = schemas().validate('api', req.body, 'ReceiptBody');
      if (errors.length) throw new AppError('unprocessable', 'the body must be {receipt}');
      deps.receipts.accept(peer(res), (req.body as { receipt: string }).receipt, 'pull');
      res.status(204).end();
    });
  };
}
