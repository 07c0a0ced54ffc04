// PUT /admin/v1/partners/{nodeId}/agreement, GET …/explain, POST /admin/v1/streams/{nodeId}/reset|re-anchor
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { ExchangeAdmin } from '../../exchange/admin.js';
import { RECORD_ID } from '../../schema/patterns.js';
import { principalOf, requireRole } from '../middleware.js';
import { nodeIdFilter, nodeIdParam } from '../params.js';
import { body } from '../validate.js';

const agreementBody = body('AgreementPutBody', {
  nullable: true,
  prefix: '/agreement',
  message: 'the agreement is not valid',
  missing: 'a JSON body is required (the agreement, or null)',
});

export function exchangeRoutes(x: ExchangeAdmin): Router {
  const r = Router();
  r.put('/partners/:nodeId/agreement', requireRole('admin'), agreementBody, (req, res) => {
    res.json(x.setAgreement(nodeIdParam(req.params.nodeId), req.body as unknown, `token:${principalOf(res).name}`));
  });
  r.get('/partners/:nodeId/explain', requireRole('admin'), (req, res) => {
    const record = typeof req.query.record === 'string' ? req.query.record : '';
    if (!RECORD_ID.test(record))
      throw new AppError('bad-request', 'record must be a record id', [
        { pointer: '/query/record', rule: 'query', message: 'not a record id' },
      ]);
    res.json(x.explain(nodeIdParam(req.params.nodeId), record));
  });
  r.post('/streams/:nodeId/reset', requireRole('admin'), (req, res) => {
    res.json(x.reset(nodeIdParam(req.params.nodeId), `token:${principalOf(res).name}`));
  });
  r.post('/streams/:nodeId/re-anchor', requireRole('admin'), (req, res) => {
    res.json(x.reanchor(nodeIdParam(req.params.nodeId), `token:${principalOf(res).name}`));
  });
  r.get('/alarms', requireRole('analyst'), (req, res) => {
    res.json({ items: x.alarms(nodeIdFilter(req.query.partner)) });
  });
  return r;
}
