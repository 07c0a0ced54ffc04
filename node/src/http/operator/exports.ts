// GET/PUT /admin/v1/tokens/{name}/exports (a token's TLP allowance and TAXII collections), and CSV
// by `Accept: text/csv` on GET /admin/v1/records and POST /admin/v1/screen (the routes that follow
// answer; interop/csv-responses.ts formats what they send).
import { Router } from 'express';
import type { ExportAccessService } from '../../interop/access.js';
import type { TaxiiService } from '../../interop/taxii.js';
import type { csvResponses } from '../../interop/csv-responses.js';
import { principalOf, requireRole } from '../middleware.js';
import { body } from '../validate.js';

export function exportRoutes(
  access: ExportAccessService,
  taxii: TaxiiService,
  csv: ReturnType<typeof csvResponses>,
): Router {
  const r = Router();
  const view = (name: string) => ({
    ...access.get(name),
    available: taxii.all().map((c) => ({ alias: c.alias, id: c.id, title: c.title })),
  });
  r.get('/tokens/:name/exports', requireRole('admin'), (req, res) => {
    res.json(view(String(req.params.name)));
  });
  r.put('/tokens/:name/exports', requireRole('admin'), body('ExportAccessBody'), (req, res) => {
    const name = String(req.params.name);
    access.set(name, req.body as { maxTlp?: unknown; collections?: unknown }, `token:${principalOf(res).name}`);
    res.json(view(name));
  });
  r.get('/records', requireRole('analyst'), csv.records);
  r.post('/screen', requireRole('analyst'), csv.screening);
  return r;
}
