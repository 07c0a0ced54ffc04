// GET /admin/v1/node: who this node is and whether it is live or an exercise node (docs/protocol.md
// §14.5), for the CLI, the console and the exercise runner.
import { Router } from 'express';
import type { Schemas } from '../../schema/types.js';
import { requireRole } from '../middleware.js';

export type NodeView = Schemas['OperatorNode'];

export function nodeRoutes(view: () => NodeView): Router {
  const router = Router();
  router.get('/node', requireRole('analyst'), (_req, res) => {
    res.json(view());
  });
  return router;
}
