// CSV by content negotiation on the operator routes that answer JSON: with `Accept: text/csv`, the
// JSON the route sends is formatted by csv.ts instead, within the caller's TLP allowance
// (`X-Entente-Withheld` counts the rows left out; `Link: rel="next"` pages records as `next` does).
import type { Request, RequestHandler, Response } from 'express';
import type { ExportAccessService } from './access.js';
import { recordsCsv, screeningCsv, type CsvOutput } from './csv.js';
import type { InteropDeps } from './deps.js';
import type { Tlp } from './stix-static.js';

function wantsCsv(req: Request): boolean {
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function nextLink(req: Request, next: unknown): string | undefined {
  if (typeof next !== 'string') return undefined;
  const url = new URL(req.originalUrl, 'http://localhost');
  url.searchParams.set('after', next);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

function negotiate(
  access: ExportAccessService,
  format: (body: unknown, maxTlp: Tlp) => CsvOutput,
  paged: boolean,
): RequestHandler {
  return (req, res, next) => {
    if (!wantsCsv(req)) return next();
    const json = res.json.bind(res);
    res.json = ((body: unknown) => {
      if (res.statusCode >= 300) return json(body);
      const principal = res.locals.principal as { name: string };
      const out = format(body, access.get(principal.name).maxTlp);
      const link = paged ? nextLink(req, (body as { next?: unknown } | null)?.next) : undefined;
      if (link) res.setHeader('Link', link);
      res.setHeader('X-Entente-Withheld', String(out.withheld));
      res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
      return res.send(Buffer.from(out.text, 'utf8'));
    }) as Response['json'];
    next();
  };
}

export function csvResponses(
  deps: InteropDeps,
  access: ExportAccessService,
): { records: RequestHandler; screening: RequestHandler } {
  const tlpOf = (id: string) => deps.store.currentTlp(id);
  return {
    records: negotiate(access, (body, max) => recordsCsv(body, max, deps.exercise), true),
    screening: negotiate(access, (body, max) => screeningCsv(body, max, tlpOf, deps.exercise), false),
  };
}
