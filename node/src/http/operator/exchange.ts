// PUT /admin/v1/partners/{nodeId}/agreement, GET …/explain, POST /admin/v1/streams/{nodeId}/reset|re-anchor
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { ExchangeAdmin } from '../../exchange/admin.js';
import { principalOf, requireRole } from '../middleware.js';

const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const RECORD_ID = /^urn:entente:[a-z0-9][a-z0-9-]{1,62}:(denial|finding):[0-9a-f-]{36}$/;

function nodeIdParam(v: unknown): string {
  const s = String(v);
  if (!NODE_ID.test(s)) throw new AppError('not-found', 'no such partner');
  return s;
}

export function exchangeRoutes(x: ExchangeAdmin): Router {
  const r = Router();
  r.put('/partners/:nodeId/agreement', requireRole('admin'), (req, res) => {
    if (req.body === undefined) throw new AppError('bad-request', 'a JSON body is required (the agreement, or null)');
    res.json(x.setAgreement(nodeIdParam(req.params.nodeId), req.body as unknown, `token:${principalOf(res).name}`));
  });
  r.get('/partners/:nodeId/explain', requireRole('admin'), (req, res) => {
    const record = String(req.query.record ?? '');
    if (!RECORD_ID.test(record)) throw new AppError('bad-request', 'record must be a record id', [{ pointer: '/query/record', rule: 'query', message: 'not a record id' }]);
    res.json(x.explain(nodeIdParam(req.params.nodeId), record));
  });
  r.post('/streams/:nodeId/reset', requireRole('admin'), (req, res) => {
    res.json(x.reset(nodeIdParam(req.params.nodeId), `token:${principalOf(res).name}`));
  });
  r.post('/streams/:nodeId/re-anchor', requireRole('admin'), (req, res) => {
    res.json(x.reanchor(nodeIdParam(req.params.nodeId), `token:${principalOf(res).name}`));
  });
  r.get('/alarms', requireRole('analyst'), (req, res) => {
    const p = typeof req.query.partner === 'string' && NODE_ID.test(req.query.partner) ? req.query.partner : undefined;
    res.json({ items: x.alarms(p) });
  });
  return r;
}
