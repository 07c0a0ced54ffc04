// GET /admin/v1/alerts, POST /admin/v1/alerts/ack (docs/protocol.md §14.3–§14.4): the alerts received
// and the originator's per-alert table of partners; an analyst's ACTIONED or NO_ACTION.
import { Router } from 'express';
import type { Alerts, FinalState } from '../../exchange/alerts.js';
import { principalOf, requireRole } from '../middleware.js';
import { body } from '../validate.js';

export function alertRoutes(alerts: Alerts, acknowledged: (partner: string | null) => void): Router {
  const r = Router();
  r.get('/alerts', requireRole('analyst'), (_req, res) => {
    res.json({ received: alerts.received(), sent: alerts.sent(), unacknowledged: alerts.unacknowledged() });
  });
  r.post('/alerts/ack', requireRole('analyst'), body('AlertAckBody', { prefix: '' }), (req, res) => {
    const b = req.body as { id: string; version?: number; state: FinalState; note?: string; desk?: string };
    const { alert, appended } = alerts.acknowledge(b, `token:${principalOf(res).name}`);
    acknowledged(appended);
    res.json(alert);
  });
  return r;
}
