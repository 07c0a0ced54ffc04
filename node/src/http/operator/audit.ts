// GET /admin/v1/audit, GET /admin/v1/audit/verify, POST /admin/v1/audit/export
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { AuditService } from '../../core/audit.js';
import type { PublicJwk } from '../../crypto/keys.js';
import { requireRole } from '../middleware.js';
import { body } from '../validate.js';

function intOr(v: unknown, dflt: number, name: string, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(v) || Number(v) < min) {
    throw new AppError('bad-request', `${name} must be an integer ≥ ${min}`, [
      { pointer: `/query/${name}`, rule: 'query', message: 'bad integer' },
    ]);
  }
  return Math.min(Number(v), max);
}

export function auditRoutes(audit: AuditService, nodeId: string, keys: () => PublicJwk[], exercise = false): Router {
  const r = Router();
  r.get('/audit', requireRole('admin'), (req, res) => {
    const after = intOr(req.query.after, 0, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = intOr(req.query.limit, 100, 'limit', 1, 1000);
    const rows = audit.page(after, limit + 1);
    const items = rows.slice(0, limit).map((e) => ({ ...e, details: JSON.parse(e.details) as unknown }));
    res.json({ items, next: rows.length > limit ? items.at(-1)!.seq : null });
  });
  r.get('/audit/verify', requireRole('admin'), (_req, res) => {
    res.json(audit.verify());
  });
  r.post('/audit/export', requireRole('admin'), body('AuditExportBody', { optional: true }), (req, res) => {
    const b = (req.body ?? {}) as { from?: number; to?: number };
    const from = b.from ?? 1;
    const to = b.to ?? Number.MAX_SAFE_INTEGER;
    if (to < from) {
      throw new AppError('validation', 'from and to are audit seqs with 1 ≤ from ≤ to', [
        { pointer: '/from', rule: 'range', message: 'bad range' },
      ]);
    }
    res.json(audit.export(nodeId, keys(), from, to, exercise));
  });
  return r;
}
