// POST /admin/v1/consultations, POST /admin/v1/consultations/{id}/messages, GET /admin/v1/consultations
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { ConsultationService } from '../../services/consultations.js';
import { principalOf, requireRole } from '../middleware.js';

const CONSULTATION_ID = /^urn:entente:[a-z0-9][a-z0-9-]{1,62}:consultation:[0-9a-f-]{36}$/;

export function consultationRoutes(c: ConsultationService): Router {
  const r = Router();
  r.post('/consultations', requireRole('publisher'), (req, res) => {
    res.status(201).json(c.open(req.body, `token:${principalOf(res).name}`));
  });
  r.post('/consultations/:id/messages', requireRole('publisher'), (req, res) => {
    const id = String(req.params.id);
    if (!CONSULTATION_ID.test(id)) throw new AppError('not-found', 'no such consultation');
    res.status(201).json(c.reply(id, req.body, `token:${principalOf(res).name}`));
  });
  r.get('/consultations', requireRole('analyst'), (req, res) => {
    const partner = typeof req.query.partner === 'string' && /^[a-z0-9][a-z0-9-]{1,62}$/.test(req.query.partner) ? req.query.partner : undefined;
    res.json({ items: c.list(partner) });
  });
  return r;
}
