// GET /v1/feed, POST /v1/inbox, POST /v1/receipts (docs/protocol.md §6.9). The peer is already
// resolved; each route validates its input, calls the exchange once and maps the result.
import express, { type Express, type Response } from 'express';
import { AppError, validationError } from '../../domain/errors.js';
import type { Inbound } from '../../exchange/inbound/inbound.js';
import type { Outbound } from '../../exchange/outbound/outbound.js';
import type { FeedPage, InboxBody, ReceiptBody } from '../../exchange/wire.js';
import { depthGuard } from '../limits.js';
import { jsonOnly } from '../middleware.js';
import { body } from '../validate.js';

export interface FederationRouteDeps {
  outbound: Outbound;
  inbound: Inbound;
  maxBatchBytes: number;
  jsonDepth: number;
}

function peer(res: Response): string {
  return res.locals.peer as string;
}

function intParam(v: unknown, name: string, min: number, max: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  const bad = (message: string) =>
    new AppError('bad-request', `${name} must be an integer ${min}..${max}`, [
      { pointer: `/query/${name}`, rule: 'query', message },
    ]);
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(v)) throw bad('bad integer');
  const n = Number(v);
  if (n < min || n > max) throw bad('out of range');
  return n;
}

export function federationRoutes(deps: FederationRouteDeps): (app: Express) => void {
  return (app) => {
    app.get('/v1/feed', (req, res) => {
      const q = req.query as Record<string, unknown>;
      for (const k of Object.keys(q)) {
        if (k !== 'after' && k !== 'limit') {
          const errors = [{ pointer: '/query', rule: 'query', message: 'unknown parameter' }];
          throw new AppError('bad-request', `unknown parameter ${k.slice(0, 40)}`, errors);
        }
      }
      const after = intParam(q.after, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(q.limit, 'limit', 1, 1000, 100);
      const page = deps.outbound.feed(peer(res), after, limit, deps.maxBatchBytes - 1024);
      const out: FeedPage = {
        stream: page.stream,
        items: page.items.map((r) => r.jws),
        more: page.more,
        head: page.head,
      };
      res.json(out);
    });
    const parse = express.json({ limit: deps.maxBatchBytes, strict: true, type: 'application/json', inflate: false });
    const guards = [jsonOnly(), parse, depthGuard(deps.jsonDepth)];
    app.post(
      '/v1/inbox',
      ...guards,
      body('InboxBody', { encoding: false, invalid: (e) => validationError(e) }),
      async (req, res) => {
        const r = await deps.inbound.ingestBatch(peer(res), (req.body as InboxBody).items, 'push');
        const out: ReceiptBody = { receipt: r.receipt };
        res.json(out);
      },
    );
    const receiptInvalid = () => new AppError('unprocessable', 'the body must be {receipt}');
    app.post(
      '/v1/receipts',
      ...guards,
      body('ReceiptBody', { encoding: false, invalid: receiptInvalid }),
      (req, res) => {
        deps.outbound.acceptReceipt(peer(res), (req.body as ReceiptBody).receipt, 'pull');
        res.status(204).end();
      },
    );
  };
}
