// POST/GET /admin/v1/tokens, DELETE /admin/v1/tokens/{name}
import { Router } from 'express';
import type { Role } from '../../schema/types.js';
import type { TokenService } from '../../services/tokens.js';
import { principalOf, requireRole } from '../middleware.js';
import { body } from '../validate.js';

export function tokenRoutes(tokens: TokenService): Router {
  const r = Router();
  r.post('/tokens', requireRole('admin'), body('TokenCreateBody'), (req, res) => {
    const { name, role, expiresAt } = req.body as { name: string; role: Role; expiresAt?: string };
    res.status(201).json(tokens.create(name, role, `token:${principalOf(res).name}`, expiresAt ?? null));
  });
  r.get('/tokens', requireRole('admin'), (_req, res) => {
    res.json({
      items: tokens.list().map((t) => ({
        name: t.name,
        role: t.role,
        createdAt: t.created_at,
        revokedAt: t.revoked_at,
        lastUsedAt: t.last_used_at,
        expiresAt: t.expires_at,
      })),
    });
  });
  r.delete('/tokens/:name', requireRole('admin'), (req, res) => {
    tokens.revoke(String(req.params.name), `token:${principalOf(res).name}`);
    res.status(204).end();
  });
  return r;
}
