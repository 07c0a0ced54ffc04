// POST /admin/v1/keys/rotate, GET /admin/v1/keys
import { Router } from 'express';
import type { KeyService } from '../../services/keys.js';
import { principalOf, requireRole } from '../middleware.js';
import { body } from '../validate.js';

export function keyRoutes(keys: KeyService): Router {
  const r = Router();
  r.post('/keys/rotate', requireRole('admin'), body('KeyRotateBody', { optional: true }), (req, res) => {
    const tls = (req.body as { tls?: unknown } | undefined)?.tls === true;
    res.json(keys.rotate(tls ? 'tls' : 'signing', `token:${principalOf(res).name}`));
  });
  r.get('/keys', requireRole('admin'), (_req, res) => {
    res.json(keys.status());
  });
  return r;
}
