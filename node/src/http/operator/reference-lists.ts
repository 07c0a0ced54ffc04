// Reference lists: GET /admin/v1/reference-lists, POST /admin/v1/reference-lists/imports (the list file
// as the request body, streamed), GET /admin/v1/reference-lists/imports[/{id}] (docs/screening.md).
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import { parseColumnMap } from '../../screening/formats.js';
import type { ReferenceListImports } from '../../screening/imports.js';
import { principalOf, requireRole } from '../middleware.js';

const one = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The upload route: mounted before the JSON body parser, it reads the body itself. */
export function referenceListUploadRoutes(imports: ReferenceListImports): Router {
  const r = Router();
  r.post('/reference-lists/imports', requireRole('admin'), async (req, res) => {
    const enc = req.headers['content-encoding'];
    if (enc !== undefined && enc.trim().toLowerCase() !== 'identity')
      throw new AppError(
        'unsupported-media-type',
        'send the file as it is (gzip files are recognised by their content)',
      );
    const map = one(req.query.map);
    const job = await imports.start(
      req,
      {
        list: one(req.query.list),
        format: one(req.query.format),
        filename: one(req.query.filename),
        ...(map ? { map: parseColumnMap(map) } : {}),
      },
      `token:${principalOf(res).name}`,
    );
    res
      .status(job.state === 'done' ? 200 : 202)
      .location(`/admin/v1/reference-lists/imports/${job.id}`)
      .json(job);
  });
  return r;
}

export function referenceListRoutes(imports: ReferenceListImports): Router {
  const r = Router();
  r.get('/reference-lists', requireRole('analyst'), (_req, res) => {
    res.json({
      items: imports.lists().map((l) => ({
        name: l.name,
        source: l.source,
        format: l.format,
        entries: l.entries,
        names: l.names,
        version: l.version,
        importedAt: l.imported_at,
        digest: l.digest,
        lastImport: JSON.parse(l.last_import) as unknown,
      })),
    });
  });
  r.get('/reference-lists/imports', requireRole('admin'), (_req, res) => res.json({ items: imports.list() }));
  r.get('/reference-lists/imports/:id', requireRole('admin'), (req, res) => {
    const job = imports.get(String(req.params.id));
    if (!job) throw new AppError('not-found', 'no such import (jobs are kept while the node runs)');
    res.json(job);
  });
  return r;
}
