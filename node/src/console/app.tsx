// The web console (issue 17), served on the operator listener at `/` from the same services as the
// operator API. This router answers only console paths; the API's paths pass through untouched.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import type { ConsoleDeps } from './deps.js';
import { errorView, html, one, pageRouter, redirect } from './core.js';
import {
  cookies,
  csrfOk,
  safeNext,
  sameOrigin,
  securityHeaders,
  SESSION_COOKIE,
  setCookie,
  SIGNIN_COOKIE,
} from './security.js';
import { SignInPage } from './pages/sign-in.js';
import { overviewPages } from './pages/overview.js';
import { recordPages } from './pages/records.js';
import { recordFormPages } from './pages/record-form.js';
import { recordViewPages } from './pages/record-view.js';
import { analystPages } from './pages/analyst.js';
import { screeningPages } from './pages/screening.js';
import { consultationPages } from './pages/consultations.js';
import { partnerPages } from './pages/partners.js';
import { agreementPages } from './pages/agreement.js';
import { operationPages } from './pages/operations.js';
import { adminPages } from './pages/admin.js';
import { alertPages } from './pages/alerts.js';

/** Paths that belong to the operator API (and TAXII): never answered by the console. */
const API = /^\/(admin|metrics|healthz|taxii2)(\/|$)/;

const ASSET_TYPES: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The assets folder beside this module (source, or a copied dist), else the repository's source. */
function assetDir(): string {
  const here = join(import.meta.dirname, 'assets');
  return existsSync(join(here, 'console.css')) ? here : join(import.meta.dirname, '../../node/src/console/assets');
}

function loadAssets(): Map<string, Buffer> {
  const dir = assetDir();
  return new Map(Object.keys(ASSET_TYPES).map((f) => [f, readFileSync(join(dir, f))]));
}

export function consoleRouter(deps: ConsoleDeps): Router {
  const r = Router();
  const assets = loadAssets();
  r.use((req, _res, next) => (API.test(req.path) ? next('router') : next()));
  r.use(securityHeaders());

  r.get('/assets/:file', (req, res) => {
    const file = String(req.params.file);
    const body = assets.get(file);
    if (!body) return res.status(404).type('text/plain').send('no such asset');
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.type(ASSET_TYPES[file]!).send(body);
  });
  r.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/favicon.svg'));

  // ---- sign-in: a pre-session CSRF cookie guards the form; a successful sign-in always gets a new session id
  const signInForm = (req: Request, res: Response, status: number, error?: string) => {
    const token = randomBytes(24).toString('base64url');
    setCookie(req, res, SIGNIN_COOKIE, token, { path: '/sign-in' });
    const next = safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next);
    const view = {
      title: 'Sign in',
      status,
      body: <SignInPage csrf={token} next={next} error={error} signedOut={'signed-out' in req.query} />,
    };
    res
      .status(status)
      .type('text/html; charset=utf-8')
      .send(html({ deps, req }, null, view));
  };
  r.get('/sign-in', (req, res) => signInForm(req, res, 200));
  r.post('/sign-in', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expected = cookies(req)[SIGNIN_COOKIE];
    if (!sameOrigin(req) || !expected || !csrfOk(expected, body._csrf))
      return signInForm(req, res, 403, 'The sign-in form expired. Try again.');
    const token = one(body.token).trim();
    const started = /^[A-Za-z0-9_.~+/=-]{1,200}$/.test(token)
      ? deps.sessions.signIn(token, { path: '/sign-in' })
      : null;
    if (!started) return signInForm(req, res, 401, 'That token is not valid here (unknown or revoked).');
    const previous = deps.sessions.lookup(cookies(req)[SESSION_COOKIE]);
    if (previous) deps.sessions.signOut(previous);
    setCookie(req, res, SIGNIN_COOKIE, '', { path: '/sign-in', clear: true });
    setCookie(req, res, SESSION_COOKIE, started.sessionId);
    redirect(res, safeNext(body.next));
  });
  r.post('/sign-out', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const s = deps.sessions.lookup(cookies(req)[SESSION_COOKIE]);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (s && sameOrigin(req) && csrfOk(s.csrf, body._csrf)) deps.sessions.signOut(s);
    else if (s) return res.status(403).type('text/plain').send('This sign-out did not come from this console.');
    setCookie(req, res, SESSION_COOKIE, '', { clear: true });
    redirect(res, '/sign-in?signed-out');
  });

  const pages = pageRouter(r, deps);
  overviewPages(pages);
  recordPages(pages);
  recordFormPages(pages);
  recordViewPages(pages);
  analystPages(pages);
  screeningPages(pages);
  consultationPages(pages);
  partnerPages(pages, r, deps);
  agreementPages(pages);
  operationPages(pages);
  adminPages(pages);
  alertPages(pages);

  r.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const v = errorView(404, 'There is no such page.');
    res
      .status(404)
      .type('text/html; charset=utf-8')
      .send(html({ deps, req }, null, v));
  });
  return r;
}
