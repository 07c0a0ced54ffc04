// The read-only TAXII 2.1 server on the operator listener, under /taxii2/ (docs/stix-mapping.md):
// discovery, one API root, collections, objects, an object, its versions, the manifest. HTTP Basic
// (token name and token) or a bearer token; a token reads the collections an admin exposed to it,
// nothing above its TLP allowance. Thin handlers: authorise, parse the query, read, map.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../domain/errors.js';
import type { CollectionInfo } from './access.js';
import type { InteropDeps, Principal } from './deps.js';
import {
  decodePosition,
  encodePosition,
  type Page,
  type TaxiiQuery,
  type TaxiiService,
  type VersionMatch,
} from './taxii.js';

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
export const STIX_MEDIA = 'application/stix+json;version=2.1';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const ROOT = '/taxii2/api/';

function send(res: Response, status: number, body: unknown): void {
  // a Buffer keeps the media type exactly as set (express adds no charset to it)
  res.status(status).setHeader('Content-Type', TAXII_MEDIA);
  res.send(Buffer.from(JSON.stringify(body), 'utf8'));
}

function sendError(res: Response, status: number, title: string, description?: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Entente TAXII", charset="UTF-8"');
  send(res, status, { title, ...(description ? { description } : {}), http_status: String(status) });
}

function principalOf(res: Response): Principal {
  return res.locals.taxiiPrincipal as Principal;
}

/** `Basic base64(name:token)` or `Bearer token`. */
function credentials(h: string | undefined): { user?: string; secret?: string } {
  if (!h) return {};
  const basic = /^Basic ([A-Za-z0-9+/=]{1,400})$/.exec(h);
  if (basic) {
    const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    return colon < 0 ? {} : { user: text.slice(0, colon), secret: text.slice(colon + 1) };
  }
  const bearer = /^Bearer ([A-Za-z0-9_.~+/=-]{1,200})$/.exec(h);
  return bearer ? { secret: bearer[1]! } : {};
}

/** TAXII 2.1 media types (any version-less or 2.1 form), or anything when the client says so. */
function acceptable(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const version = params.find((p) => p.startsWith('version='));
    if (type === '*/*' || type === 'application/*') return true;
    return type === 'application/taxii+json' && (version === undefined || version === 'version=2.1');
  });
}

function values(q: Record<string, unknown>, name: string): string[] | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).map(String).flatMap((s) => s.split(','));
  return list.map((s) => s.trim()).filter(Boolean);
}

const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$/;

function timestamp(s: string, name: string): string {
  const ms = Date.parse(s);
  if (!TIMESTAMP.test(s) || Number.isNaN(ms)) throw new AppError('bad-request', `${name}: ${s} is not a timestamp`);
  return new Date(ms).toISOString();
}

/** The filters and paging of a Get Objects, Get an Object, manifest or versions request. */
export function parseQuery(q: Record<string, unknown>, defaultVersion: 'last' | 'all'): TaxiiQuery {
  const one = (name: string) => {
    const v = values(q, name);
    if (v && v.length > 1) throw new AppError('bad-request', `${name} takes one value`);
    return v?.[0];
  };
  const addedAfter = one('added_after');
  const limitText = one('limit');
  if (limitText !== undefined && !/^[1-9][0-9]{0,8}$/.test(limitText))
    throw new AppError('bad-request', 'limit is a positive integer');
  const nextText = one('next');
  const next = nextText === undefined ? undefined : decodePosition(nextText);
  if (next === null) throw new AppError('bad-request', 'next is not a value this server gave');
  const versions: VersionMatch = { last: false, first: false, all: false, at: new Set() };
  for (const v of values(q, 'match[version]') ?? [defaultVersion]) {
    if (v === 'last' || v === 'first' || v === 'all') versions[v] = true;
    else versions.at.add(timestamp(v, 'match[version]'));
  }
  const query: TaxiiQuery = { versions, limit: Math.min(limitText ? Number(limitText) : DEFAULT_LIMIT, MAX_LIMIT) };
  if (addedAfter !== undefined) query.addedAfter = timestamp(addedAfter, 'added_after');
  if (next) query.after = next;
  const ids = values(q, 'match[id]');
  const types = values(q, 'match[type]');
  const specVersions = values(q, 'match[spec_version]');
  if (ids) query.ids = ids;
  if (types) query.types = types;
  if (specVersions) query.specVersions = specVersions;
  return query;
}

function pageHeaders(res: Response, page: Page): void {
  if (page.entries.length === 0) return;
  res.setHeader('X-TAXII-Date-Added-First', page.entries[0]!.dateAdded);
  res.setHeader('X-TAXII-Date-Added-Last', page.entries.at(-1)!.dateAdded);
}

function paging(page: Page): { more: boolean; next?: string } {
  return { more: page.more, ...(page.next ? { next: encodePosition(page.next) } : {}) };
}

function collectionResource(c: CollectionInfo): Record<string, unknown> {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    alias: c.alias,
    can_read: true,
    can_write: false,
    media_types: [STIX_MEDIA],
  };
}

export function taxiiRoutes(service: TaxiiService, deps: InteropDeps, o: { maxContentLength: number }): Router {
  const r = Router();
  r.use((req: Request, res: Response, next: NextFunction) => {
    const c = credentials(req.headers.authorization);
    const p = deps.authenticate(c.secret, { method: req.method, path: req.baseUrl + req.path });
    if (!p || (c.user !== undefined && c.user !== p.name)) {
      return sendError(
        res,
        401,
        'Authentication required',
        'HTTP Basic with the token name and the token, or a bearer token',
      );
    }
    res.locals.taxiiPrincipal = p;
    res.locals.principal = p;
    if (service.collectionsFor(p).length === 0) {
      return sendError(res, 403, 'Forbidden', 'no TAXII collection is exposed to this token (entente token exports)');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, 'Method not allowed', 'this TAXII server is read-only');
    }
    if (!acceptable(req.headers.accept))
      return sendError(res, 406, 'Not acceptable', `this server answers ${TAXII_MEDIA}`);
    deps.recordUse(p, req.method, req.baseUrl + req.path);
    next();
  });
  const collection = (req: Request, res: Response): CollectionInfo => {
    const c = service.collection(principalOf(res), String(req.params.id));
    if (!c) throw new AppError('not-found', 'no such collection');
    return c;
  };
  r.get('/', (_req, res) => {
    send(res, 200, {
      title: `${deps.exercise ? 'EXERCISE — ' : ''}Entente ${deps.node.nodeId}`,
      description: `Denial notices and enforcement findings held by ${deps.node.name}, as STIX 2.1 (read-only).`,
      default: ROOT,
      api_roots: [ROOT],
    });
  });
  r.get('/api/', (_req, res) => {
    send(res, 200, {
      title: `${deps.exercise ? 'EXERCISE — ' : ''}Entente ${deps.node.nodeId}`,
      description: 'Own records and the records each partner shared, one collection each.',
      versions: [TAXII_MEDIA],
      max_content_length: o.maxContentLength,
    });
  });
  r.get('/api/collections/', (_req, res) => {
    send(res, 200, { collections: service.collectionsFor(principalOf(res)).map(collectionResource) });
  });
  r.get('/api/collections/:id/', (req, res) => send(res, 200, collectionResource(collection(req, res))));
  r.get('/api/collections/:id/objects/', (req, res) => {
    const page = service.page(principalOf(res), collection(req, res), parseQuery(req.query, 'last'));
    pageHeaders(res, page);
    send(res, 200, { ...paging(page), ...(page.entries.length ? { objects: page.entries.map((e) => e.object) } : {}) });
  });
  r.get('/api/collections/:id/objects/:objectId/', (req, res) => {
    const q = { ...parseQuery(req.query, 'last'), ids: [String(req.params.objectId)] };
    const page = service.page(principalOf(res), collection(req, res), q);
    if (page.entries.length === 0 && !q.after && !page.more) throw new AppError('not-found', 'no such object');
    pageHeaders(res, page);
    send(res, 200, { ...paging(page), ...(page.entries.length ? { objects: page.entries.map((e) => e.object) } : {}) });
  });
  r.get('/api/collections/:id/objects/:objectId/versions/', (req, res) => {
    const q = { ...parseQuery(req.query, 'all'), ids: [String(req.params.objectId)] };
    q.versions = { last: false, first: false, all: true, at: new Set() };
    const page = service.page(principalOf(res), collection(req, res), q);
    if (page.entries.length === 0 && !q.after && !page.more) throw new AppError('not-found', 'no such object');
    pageHeaders(res, page);
    send(res, 200, {
      ...paging(page),
      ...(page.entries.length ? { versions: page.entries.map((e) => e.version) } : {}),
    });
  });
  r.get('/api/collections/:id/manifest/', (req, res) => {
    const page = service.page(principalOf(res), collection(req, res), parseQuery(req.query, 'last'));
    pageHeaders(res, page);
    const objects = page.entries.map((e) => ({
      id: e.object.id,
      date_added: e.dateAdded,
      version: e.version,
      media_type: STIX_MEDIA,
    }));
    send(res, 200, { ...paging(page), ...(objects.length ? { objects } : {}) });
  });
  r.use((_req: Request, res: Response) => sendError(res, 404, 'Not found', 'no such TAXII resource'));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof AppError && err.status < 500) return sendError(res, err.status, err.title, err.message);
    sendError(res, 500, 'Internal error');
  });
  return r;
}
