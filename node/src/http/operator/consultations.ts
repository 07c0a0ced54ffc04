// POST /admin/v1/consultations, POST /admin/v1/consultations/{id}/messages, GET /admin/v1/consultations
import { Router } from 'express';
import { CONSULTATION_ID } from '../../schema/patterns.js';
import type { ConsultationService } from '../../services/consultations.js';
import { principalOf, requireRole } from '../middleware.js';
import { nodeIdFilter, pathParam } from '../params.js';
import { body } from '../validate.js';

export function consultationRoutes(c: ConsultationService): Router {
  const r = Router();
  r.post('/consultations', requireRole('publisher'), body('ConsultationOpenBody'), (req, res) => {
    res.status(201).json(c.open(req.body, `token:${principalOf(res).name}`));
  });
  r.post('/consultations/:id/messages', requireRole('publisher'), body('ConsultationMessageBody'), (req, res) => {
    const id = pathParam(req.params.id, CONSULTATION_ID, 'no such consultation');
    res.status(201).json(c.reply(id, req.body, `token:${principalOf(res).name}`));
  });
  r.get('/consultations', requireRole('analyst'), (req, res) => {
    res.json({ items: c.list(nodeIdFilter(req.query.partner)) });
  });
  return r;
}
