// POST/GET /admin/v1/records, GET/PUT /admin/v1/records/{id}, POST /admin/v1/records/{id}/status,
// POST /admin/v1/records/{id}/review
import { Router, type Request } from 'express';
import { AppError } from '../../domain/errors.js';
import type { StatusRequest } from '../../domain/lifecycle.js';
import type { RecordType } from '../../domain/redaction.js';
import type { RecordService, SearchParams } from '../../services/records.js';
import { principalOf, requireRole } from '../middleware.js';
import { NODE_ID, RECORD_ID } from '../../schema/patterns.js';
import { pathParam } from '../params.js';
import { body } from '../validate.js';

const REGIMES = ['WA', 'AG', 'NSG', 'MTCR', 'CWC', 'EU_DUAL_USE', 'EU_SANCTIONS', 'NATIONAL'];

function recordId(v: unknown): string {
  return pathParam(v, RECORD_ID, 'no such record');
}

function ifMatch(req: Request): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^"([1-9][0-9]{0,15})"$/.exec(h.trim());
  if (!m)
    throw new AppError('bad-request', 'If-Match must be "<version>", e.g. "2"', [
      { pointer: '/headers/if-match', rule: 'format', message: 'must be a quoted version number' },
    ]);
  return Number(m[1]);
}

function param(
  errors: { pointer: string; rule: string; message: string }[],
  q: Record<string, unknown>,
  name: string,
  test: (s: string) => boolean,
  message: string,
): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !test(v)) {
    errors.push({ pointer: `/query/${name}`, rule: 'query', message });
    return undefined;
  }
  return v;
}

export function parseSearch(q: Record<string, unknown>): SearchParams {
  const errors: { pointer: string; rule: string; message: string }[] = [];
  const known = new Set(['q', 'type', 'origin', 'status', 'destination', 'control', 'regime', 'after', 'limit']);
  for (const k of Object.keys(q))
    if (!known.has(k)) errors.push({ pointer: `/query/${k}`, rule: 'query', message: 'unknown parameter' });
  const out: SearchParams = {};
  const set = <K extends keyof SearchParams>(k: K, v: SearchParams[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set(
    'q',
    param(
      errors,
      q,
      'q',
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses
      (s) => s.length <= 200 && s.isWellFormed() && !/[\u0000-\u001f]/.test(s),
      'at most 200 characters, no control characters',
    ),
  );
  set(
    'type',
    param(errors, q, 'type', (s) => s === 'denial' || s === 'finding', 'denial or finding') as RecordType | undefined,
  );
  set(
    'origin',
    param(errors, q, 'origin', (s) => NODE_ID.test(s), 'a NodeId'),
  );
  set(
    'status',
    param(errors, q, 'status', (s) => /^[A-Z_]{1,40}$/.test(s), 'a status such as ACTIVE'),
  );
  set(
    'destination',
    param(errors, q, 'destination', (s) => /^[A-Z]{2}$/.test(s), 'an ISO 3166-1 alpha-2 code'),
  );
  set(
    'control',
    param(
      errors,
      q,
      'control',
      (s) => /^[A-Za-z0-9][A-Za-z0-9._:()/-]{0,63}$/.test(s),
      'a normalised control-code prefix, e.g. 3A001',
    ),
  );
  set(
    'regime',
    param(errors, q, 'regime', (s) => REGIMES.includes(s), `one of ${REGIMES.join(', ')}`),
  );
  set(
    'after',
    param(errors, q, 'after', (s) => /^[A-Za-z0-9_-]{1,40}$/.test(s), 'a cursor from `next`'),
  );
  const limit = param(
    errors,
    q,
    'limit',
    (s) => /^[1-9][0-9]{0,8}$/.test(s),
    'an integer ≥ 1 (values above 1000 are clamped)',
  );
  if (limit !== undefined) out.limit = Math.min(Number(limit), 1000);
  if (errors.length)
    throw new AppError('bad-request', `invalid query: ${errors.map((e) => e.pointer).join(', ')}`, errors);
  return out;
}

export function recordRoutes(records: RecordService): Router {
  const r = Router();
  r.post('/records', requireRole('publisher'), body('PublishBody'), (req, res) => {
    const b = req.body as { type: RecordType; record: unknown };
    const v = records.publish(b.type, b.record, `token:${principalOf(res).name}`);
    res.status(201).setHeader('ETag', `"${v.version}"`).json({ id: v.id, version: v.version, record: v.record });
  });
  r.get('/records', requireRole('analyst'), (req, res) => {
    res.json(records.search(parseSearch(req.query)));
  });
  r.get('/records/:id', requireRole('analyst'), (req, res) => {
    const d = records.get(recordId(req.params.id));
    res.setHeader('ETag', `"${d.current.version}"`).json(d);
  });
  r.put('/records/:id', requireRole('publisher'), body('AmendBody'), (req, res) => {
    const v = records.amend(
      recordId(req.params.id),
      (req.body as { record: unknown }).record,
      ifMatch(req),
      `token:${principalOf(res).name}`,
    );
    res.setHeader('ETag', `"${v.version}"`).json({ id: v.id, version: v.version, record: v.record });
  });
  r.post('/records/:id/status', requireRole('publisher'), body('StatusBody'), (req, res) => {
    const v = records.changeStatus(
      recordId(req.params.id),
      req.body as StatusRequest,
      ifMatch(req),
      `token:${principalOf(res).name}`,
    );
    res.setHeader('ETag', `"${v.version}"`).json({ id: v.id, version: v.version, record: v.record });
  });
  r.post('/records/:id/review', requireRole('analyst'), body('ReviewBody'), (req, res) => {
    const note = (req.body as { note?: string }).note ?? null;
    res.json(records.markReviewed(recordId(req.params.id), `token:${principalOf(res).name}`, note));
  });
  return r;
}
