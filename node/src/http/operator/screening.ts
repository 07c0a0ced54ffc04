// POST /admin/v1/screen and the analyst's memory (false positives, links), POST /admin/v1/screen/rebuild
import { Router } from 'express';
import { AppError } from '../../domain/errors.js';
import type { AuditService } from '../../core/audit.js';
import { DEFAULT_THRESHOLD, type ScreenParty, type ScreeningService } from '../../screening/service.js';
import { isObject } from '../../domain/validation.js';
import { principalOf, requireRole } from '../middleware.js';

function parties(v: unknown): ScreenParty[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > 200)
    throw new AppError('validation', 'parties is an array of 1..200 {name, country?, identifiers?}', [
      { pointer: '/parties', rule: 'M4', message: 'bad parties' },
    ]);
  return v.map((p, i) => {
    if (
      !isObject(p) ||
      typeof p.name !== 'string' ||
      p.name.length === 0 ||
      p.name.length > 500 ||
      !p.name.isWellFormed()
    ) {
      throw new AppError('validation', `parties[${i}].name is required (1..500 characters)`, [
        { pointer: `/parties/${i}/name`, rule: 'M4', message: 'bad name' },
      ]);
    }
    const out: ScreenParty = { name: p.name };
    if (p.country !== undefined) {
      if (typeof p.country !== 'string' || !/^[A-Z]{2}$/.test(p.country))
        throw new AppError('validation', `parties[${i}].country is an ISO 3166-1 alpha-2 code`, [
          { pointer: `/parties/${i}/country`, rule: 'M4', message: 'bad country' },
        ]);
      out.country = p.country;
    }
    if (p.birthDate !== undefined) {
      if (typeof p.birthDate !== 'string' || !/^\d{4}(-\d\d){0,2}$/.test(p.birthDate)) {
        throw new AppError('validation', `parties[${i}].birthDate is YYYY, YYYY-MM or YYYY-MM-DD`, [
          { pointer: `/parties/${i}/birthDate`, rule: 'M4', message: 'bad date' },
        ]);
      }
      out.birthDate = p.birthDate;
    }
    if (p.identifiers !== undefined) {
      if (!Array.isArray(p.identifiers) || p.identifiers.length > 50)
        throw new AppError('validation', 'identifiers is an array', [
          { pointer: `/parties/${i}/identifiers`, rule: 'M4', message: 'bad identifiers' },
        ]);
      out.identifiers = p.identifiers
        .filter(isObject)
        .map((x) => ({ scheme: String(x.scheme), value: String(x.value) }));
    }
    return out;
  });
}

function dismissal(body: unknown): { input: ScreenParty; target: string; note: string | null } {
  const b = (isObject(body) ? body : {}) as { input?: unknown; target?: unknown; note?: unknown };
  const [input] = parties([b.input]);
  if (typeof b.target !== 'string' || !/^(record|list)\|[^|]{1,200}\|[^|]{1,200}$/.test(b.target))
    throw new AppError('validation', 'target is the `target` of a hit', [
      { pointer: '/target', rule: 'M4', message: 'bad target' },
    ]);
  return { input: input!, target: b.target, note: typeof b.note === 'string' ? b.note.slice(0, 1000) : null };
}

export function screeningRoutes(
  s: ScreeningService,
  audit: AuditService,
  o: { exercise: boolean } = { exercise: false },
): Router {
  const r = Router();
  // an exercise node's screening answers say so (docs/protocol.md §14.5); absent on a live node
  const marked = o.exercise ? { exercise: true as const } : {};
  r.post('/screen', requireRole('analyst'), (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const threshold = b.threshold === undefined ? DEFAULT_THRESHOLD : Number(b.threshold);
    const limit = b.limit === undefined ? 10 : Number(b.limit);
    if (!(threshold >= 0 && threshold <= 1))
      throw new AppError('validation', 'threshold is 0..1', [
        { pointer: '/threshold', rule: 'M4', message: 'out of range' },
      ]);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new AppError('validation', 'limit is 1..100', [{ pointer: '/limit', rule: 'M4', message: 'out of range' }]);
    if (b.application !== undefined) {
      const app = b.application;
      if (
        !isObject(app) ||
        !Array.isArray(app.parties) ||
        app.parties.length === 0 ||
        app.parties.length > 200 ||
        !Array.isArray(app.items) ||
        app.items.length > 500 ||
        typeof app.destinationCountry !== 'string'
      ) {
        throw new AppError(
          'validation',
          'application is {parties: [{role, party}] (1..200), items (0..500), destinationCountry}',
          [{ pointer: '/application', rule: 'M4', message: 'bad application' }],
        );
      }
      // names as the plain form takes them (1..500 characters): name matching costs grow with a name's words
      app.parties.forEach((e, i) => {
        const names = isObject(e) && isObject(e.party) && Array.isArray(e.party.names) ? e.party.names : [];
        names.forEach((n, j) => {
          const v = isObject(n) ? n.value : undefined;
          if (v !== undefined && (typeof v !== 'string' || v.length > 500 || !v.isWellFormed())) {
            throw new AppError('validation', `application.parties[${i}].party.names[${j}].value is 1..500 characters`, [
              { pointer: `/application/parties/${i}/party/names/${j}/value`, rule: 'M4', message: 'bad name' },
            ]);
          }
        });
      });
      const result = s.screenApplication(app, {
        threshold,
        limit,
        includeInactive: b.includeInactive === true,
        includeDismissed: b.includeDismissed === true,
        viewer: `token:${principalOf(res).name}`,
      });
      audit.record({
        action: 'screening.query',
        actor: `token:${principalOf(res).name}`,
        subject: 'application',
        details: { parties: result.parties.length, candidates: result.candidates.length },
      });
      return res.json({ ...marked, ...result });
    }
    const input = parties(b.parties);
    const results = s.screen(input, {
      threshold,
      limit,
      includeInactive: b.includeInactive === true,
      includeDismissed: b.includeDismissed === true,
      viewer: `token:${principalOf(res).name}`,
    });
    audit.record({
      action: 'screening.query',
      actor: `token:${principalOf(res).name}`,
      subject: 'screen',
      details: { parties: input.length, hits: results.reduce((n, x) => n + x.hits.length, 0) },
    });
    res.json({ ...marked, results });
  });
  // A dismissal is personal to the token that makes it (docs/operator-api.md, Screening): the hit
  // stops alerting for that token and input; everyone else still sees it, labelled.
  r.post('/screen/false-positives', requireRole('analyst'), (req, res) => {
    const { input, target, note } = dismissal(req.body);
    s.dismiss(input, target, `token:${principalOf(res).name}`, note);
    res.status(204).end();
  });
  r.post('/screen/false-positives/undo', requireRole('analyst'), (req, res) => {
    const { input, target } = dismissal(req.body);
    s.undismiss(input, target, `token:${principalOf(res).name}`);
    res.status(204).end();
  });
  r.post('/screen/links', requireRole('analyst'), (req, res) => {
    const b = (req.body ?? {}) as { a?: unknown; b?: unknown; note?: unknown };
    const ok = (t: unknown): t is string =>
      typeof t === 'string' && /^(record|list)\|[^|]{1,200}\|[^|]{1,200}$/.test(t);
    if (!ok(b.a) || !ok(b.b) || b.a === b.b)
      throw new AppError('validation', 'a and b are two different hit targets', [
        { pointer: '/a', rule: 'M4', message: 'bad targets' },
      ]);
    s.link(b.a, b.b, `token:${principalOf(res).name}`, typeof b.note === 'string' ? b.note.slice(0, 1000) : null);
    res.status(204).end();
  });
  r.post('/screen/rebuild', requireRole('admin'), (req, res) => {
    const n = s.rebuild();
    audit.record({
      action: 'screening.rebuild',
      actor: `token:${principalOf(res).name}`,
      subject: 'index',
      details: { records: n },
    });
    res.json({ records: n });
  });
  return r;
}
