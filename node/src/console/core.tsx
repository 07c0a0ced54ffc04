// The console's request plumbing: sessions from the cookie, role checks, CSRF and Origin checks on
// every POST, page rendering, and errors as pages. Handlers return a view; a state change redirects
// (post/redirect/get) so reloading never repeats it.
import express, { type Request, type Response, type Router } from 'express';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { AppError } from '../domain/errors.js';
import type { ConsoleDeps, LiveSession, Principal, Role } from './deps.js';
import type { FormState } from './forms/spec.js';
import { cookies, csrfOk, sameOrigin, SESSION_COOKIE } from './security.js';
import { Layout, RANK } from './ui.js';

export interface Ctx {
  req: Request;
  res: Response;
  deps: ConsoleDeps;
  session: LiveSession;
  user: Principal;
  csrf: string;
  /** The posted form (POST), flat. */
  form: FormState;
  /** `token:<name>`, the actor every service call is audited with (as the API does). */
  actor: string;
  can(role: Role): boolean;
}

export interface View {
  title: string;
  body: VNode;
  status?: number;
}

export type Handler = (c: Ctx) => View | void;

const FLASH: Record<string, string> = {
  published: 'Published and signed.',
  amended: 'Amendment published and signed.',
  status: 'New version published and signed.',
  seen: 'Marked as seen.',
  reviewed: 'Marked reviewed; the label is gone and the review is in the audit log.',
  dismissed: 'Hit marked as a false positive for this input.',
  linked: 'Linked as the same party.',
  opened: 'Consultation request sent.',
  sent: 'Message sent.',
  agreement: 'Agreement saved; the partner will see it in a statement.',
  'agreement-unchanged': 'The agreement is unchanged.',
  partner: 'Partner registered.',
  removed: 'Partner removed.',
  'token-revoked': 'Token revoked; its sessions have ended.',
  'session-revoked': 'Session ended.',
  rotated: 'Rotation started; see what it waits for below.',
  acknowledged: 'Acknowledged; the originator is told when it speaks protocol 1.1.',
};

export function html(
  c: { deps: ConsoleDeps; req: Request },
  user: { name: string; role: Role; csrf: string } | null,
  v: View,
): string {
  const flashKey = typeof c.req.query.flash === 'string' ? c.req.query.flash : '';
  const page = (
    <Layout
      title={v.title}
      node={c.deps.node}
      user={user}
      path={c.req.path}
      degraded={c.deps.writable()}
      flash={FLASH[flashKey] ?? null}
      alerts={user ? c.deps.alerts.unacknowledged() : null}
    >
      {v.body}
    </Layout>
  );
  return '<!doctype html>' + renderToString(page);
}

export function sendView(c: Ctx, v: View): void {
  c.res
    .status(v.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(html(c, { name: c.user.name, role: c.user.role, csrf: c.csrf }, v));
}

export function redirect(res: Response, to: string): void {
  res.redirect(303, to);
}

export function errorView(status: number, message: string): View {
  const title =
    status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status >= 500 ? 'Something failed' : 'Refused';
  return {
    title,
    status,
    body: (
      <div class="panel">
        <p>{message}</p>
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </div>
    ),
  };
}

function appErrorView(e: unknown): View {
  if (e instanceof AppError) return errorView(e.status, e.status >= 500 ? 'The node could not do this.' : e.message);
  return errorView(500, 'The node could not do this.');
}

export function contextOf(deps: ConsoleDeps, req: Request, res: Response, s: LiveSession, form: FormState): Ctx {
  const user = s.principal;
  return {
    req,
    res,
    deps,
    session: s,
    user,
    csrf: s.csrf,
    form,
    actor: `token:${user.name}`,
    can: (role) => RANK[user.role] >= RANK[role],
  };
}

export function run(c: Ctx, h: Handler): void {
  let v: View | void;
  try {
    v = h(c);
  } catch (e) {
    v = appErrorView(e);
  }
  if (v && !c.res.headersSent) sendView(c, v);
}

export interface PageRouter {
  get(path: string, role: Role, h: Handler): void;
  post(path: string, role: Role, h: Handler): void;
}

/** The session middleware and the page registry of the console router. */
export function pageRouter(r: Router, deps: ConsoleDeps): PageRouter {
  const form = express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 20_000 });

  function live(req: Request): LiveSession | null {
    return deps.sessions.lookup(cookies(req)[SESSION_COOKIE]);
  }

  const ctx = (req: Request, res: Response, s: LiveSession) =>
    contextOf(deps, req, res, s, (req.body ?? {}) as FormState);

  return {
    get(path, role, h) {
      r.get(path, (req, res) => {
        const s = live(req);
        if (!s) return redirect(res, `/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
        const c = ctx(req, res, s);
        if (!c.can(role))
          return sendView(c, errorView(403, `This page needs the ${role} role; you signed in as ${c.user.role}.`));
        deps.tokens.recordUse(c.user, 'GET', req.path);
        run(c, h);
      });
    },
    post(path, role, h) {
      r.post(path, form, (req, res) => {
        const s = live(req);
        if (!s) return res.status(401).type('text/plain').send('Sign in first.');
        const c = ctx(req, res, s);
        if (!sameOrigin(req) || !csrfOk(s.csrf, c.form._csrf)) {
          return sendView(
            c,
            errorView(
              403,
              'This form did not come from this console (or it is too old). Reload the page and try again.',
            ),
          );
        }
        if (!c.can(role))
          return sendView(c, errorView(403, `This needs the ${role} role; you signed in as ${c.user.role}.`));
        const why = deps.writable();
        if (why) return sendView(c, errorView(503, `This node refuses changes until an operator repairs it: ${why}`));
        run(c, h);
      });
    },
  };
}

/** A query or form value as one string. */
export function one(v: unknown): string {
  return Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '';
}
