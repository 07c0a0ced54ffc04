// GET /admin/v1/reciprocity?partner=&from=&to=
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import { isRealDate } from '../../domain/dates.js';
import type { ReciprocityService } from '../../services/reciprocity.js';
import { NODE_ID } from '../../schema/patterns.js';
import { requireRole } from '../middleware.js';

export function reciprocityRoutes(r: ReciprocityService): Router {
  const router = Router();
  router.get('/reciprocity', requireRole('admin'), (req, res) => {
    const q = req.query as Record<string, unknown>;
    const out: { partner?: string; from?: string; to?: string } = {};
    for (const k of ['from', 'to'] as const) {
      if (q[k] === undefined) continue;
      if (typeof q[k] !== 'string' || !isRealDate(q[k]))
        throw new AppError('bad-request', `${k} must be a date YYYY-MM-DD`, [
          { pointer: `/query/${k}`, rule: 'query', message: 'not a date' },
        ]);
      out[k] = q[k];
    }
    if (q.partner !== undefined) {
      if (typeof q.partner !== 'string' || !NODE_ID.test(q.partner))
        throw new AppError('bad-request', 'partner must be a NodeId', [
          { pointer: '/query/partner', rule: 'query', message: 'not a NodeId' },
        ]);
      out.partner = q.partner;
    }
    res.json({ items: r.report(out) });
  });
  return router;
}
