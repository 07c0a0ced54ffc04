// PUT/GET/DELETE /admin/v1/partners/{nodeId}, GET /admin/v1/partners
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { PartnerAdmin } from '../../exchange/partner-admin.js';
import { principalOf, requireRole } from '../middleware.js';
import { nodeIdParam } from '../params.js';
import { body } from '../validate.js';

export function partnerRoutes(admin: PartnerAdmin): Router {
  const r = Router();
  r.get('/partners', requireRole('analyst'), (_req, res) => {
    res.json({ items: admin.list() });
  });
  r.get('/partners/:nodeId', requireRole('analyst'), (req, res) => {
    res.json(admin.view(nodeIdParam(req.params.nodeId)));
  });
  r.put('/partners/:nodeId', requireRole('admin'), body('PartnerPutBody'), (req, res) => {
    const nodeId = nodeIdParam(req.params.nodeId);
    const b = req.body as { bundle: { nodeId?: unknown }; fingerprint: string; agreement?: unknown };
    if (b.bundle.nodeId !== nodeId)
      throw new AppError('validation', 'bundle.nodeId must equal the nodeId in the path', [
        { pointer: '/bundle/nodeId', rule: 'A4', message: 'does not match the path' },
      ]);
    const result = admin.put(
      nodeId,
      b.bundle,
      b.fingerprint,
      Object.hasOwn(b, 'agreement') ? { agreement: b.agreement } : {},
      `token:${principalOf(res).name}`,
    );
    res.status(result.created ? 201 : 200).json(result.view);
  });
  r.delete('/partners/:nodeId', requireRole('admin'), (req, res) => {
    admin.remove(nodeIdParam(req.params.nodeId), `token:${principalOf(res).name}`);
    res.status(204).end();
  });
  return r;
}
