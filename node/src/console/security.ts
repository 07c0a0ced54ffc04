// Headers, cookies, origin and CSRF checks of the web console. Every console response carries a
// strict CSP (no inline script or style, nothing from another host), frame-ancestors 'none',
// Referrer-Policy no-referrer and nosniff (helmet). State-changing requests need the session's CSRF
// token and a same-origin Origin (or Sec-Fetch-Site) header.
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export const SESSION_COOKIE = 'entente_session';
export const SIGNIN_COOKIE = 'entente_signin';

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  upgradeInsecureRequests: null,
};

export function securityHeaders(): RequestHandler {
  const h = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    referrerPolicy: { policy: 'no-referrer' },
    // the operator listener is plain HTTP on loopback by default: HSTS only where TLS serves it
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  return (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    h(req, res, next);
  };
}

export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !(k in out)) out[k] = v;
  }
  return out;
}

/** HttpOnly; SameSite=Strict; Path=/ (or narrower); Secure when the request came over TLS. */
export function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  opts: { path?: string; clear?: boolean } = {},
): void {
  const parts = [`${name}=${opts.clear ? '' : value}`, 'HttpOnly', 'SameSite=Strict', `Path=${opts.path ?? '/'}`];
  if (req.secure) parts.push('Secure');
  if (opts.clear) parts.push('Max-Age=0');
  res.append('Set-Cookie', parts.join('; '));
}

/**
 * The browser says the request comes from this console: an Origin naming this host, or, where the
 * Origin is withheld (`null`: our Referrer-Policy no-referrer makes browsers send that on form posts)
 * or absent, a Sec-Fetch-Site of same-origin. A cross-site or foreign Origin is refused.
 */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (typeof origin === 'string' && origin !== 'null') {
    const host = req.headers.host;
    return (
      !!host &&
      origin === `${req.secure ? 'https' : 'http'}://${host}` &&
      (site === undefined || site === 'same-origin')
    );
  }
  if (typeof site === 'string') return site === 'same-origin';
  return origin === undefined;
}

export function csrfOk(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A `next` after sign-in: a path on this console only (no scheme, no `//host`). */
export function safeNext(v: unknown): string {
  if (typeof v !== 'string' || !/^\/(?![/\\])[A-Za-z0-9/_.~:?&=%+-]*$/.test(v) || v.startsWith('/sign-')) return '/';
  return v;
}
