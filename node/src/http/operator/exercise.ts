// POST /admin/v1/exercise/reset: wipe an exercise node's records, streams and consultations, keeping its
// trust and agreements (docs/protocol.md §14.5). Admin role; the body repeats the node id.
import { Router } from 'express';
import type { ExerciseService } from '../../services/exercise.js';
import { principalOf, requireRole } from '../middleware.js';
import { body } from '../validate.js';

export function exerciseRoutes(exercise: ExerciseService): Router {
  const r = Router();
  r.post(
    '/exercise/reset',
    requireRole('admin'),
    body('ExerciseResetBody', { missing: "a JSON body {confirm: <this node's id>} is required" }),
    (req, res) => {
      const { confirm } = req.body as { confirm: string };
      res.json(exercise.reset(confirm, `token:${principalOf(res).name}`));
    },
  );
  return r;
}
