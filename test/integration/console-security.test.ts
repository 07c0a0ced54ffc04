// The console's security over HTTP (issue 17): no page without a session; roles (403, and the links
// absent); CSRF and Origin; no session fixation; cookie flags; CSP and the other headers on every
// response; sessions end on sign-out, on token revocation, by an admin, after 30 idle minutes and
// after 12 hours; every action is audited with the token's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../node/src/core/clock.js';
import { setCookie } from '../../node/src/console/security.js';
import { publishBody } from '../helpers/examples.js';
import { startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { asText } from '../../node/src/console/ui.js';

const clock = fixedClock(Date.now());
let n: TestNode;
let url: string;
const tokens: Record<string, string> = {};

interface Session {
  cookie: string;
  csrf: string;
}

function form(fields: Record<string, string> | [string, string][]): URLSearchParams {
  return new URLSearchParams(fields);
}

async function signIn(token: string, pre = ''): Promise<Session> {
  const page = await fetch(url + '/sign-in', { headers: pre ? { cookie: pre } : {} });
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const signin = page.headers
    .getSetCookie()
    .find((c) => c.startsWith('entente_signin='))!
    .split(';')[0]!;
  const r = await fetch(url + '/sign-in', {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: [signin, pre].filter(Boolean).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
      origin: url,
    },
    body: form({ _csrf: csrf, token, next: '/' }),
  });
  expect(r.status).toBe(303);
  const cookie = r.headers
    .getSetCookie()
    .find((c) => c.startsWith('entente_session='))!
    .split(';')[0]!;
  const home = await (await fetch(url + '/', { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home)![1]! };
}

function get(s: Session | null, path: string): Promise<Response> {
  return fetch(url + path, { redirect: 'manual', headers: s ? { cookie: s.cookie } : {} });
}

function post(
  s: Session | null,
  path: string,
  fields: Record<string, string> | [string, string][],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...(s ? { cookie: s.cookie } : {}),
      'content-type': 'application/x-www-form-urlencoded',
      origin: url,
      ...headers,
    },
    body: form(fields),
  });
}

const PAGES = [
  '/',
  '/new',
  '/records',
  '/records/new?type=denial',
  '/screen',
  '/consultations',
  '/partners',
  '/partners/new',
  '/sync',
  '/alarms',
  '/reciprocity',
  '/audit',
  '/tokens',
  '/keys',
];
const OFFICER_ONLY = ['/records/new?type=denial', '/records/new?type=finding'];
const OPERATOR_ONLY = [
  '/partners',
  '/partners/new',
  '/sync',
  '/sync/charts/jp-lic-01',
  '/alarms',
  '/reciprocity',
  '/audit',
  '/tokens',
  '/keys',
];

beforeAll(async () => {
  n = await startTestNode('nl-lic-01', { clock, sync: { autoStart: false } });
  url = n.node.operatorUrl;
  for (const [name, role] of [
    ['analyst1', 'analyst'],
    ['officer1', 'publisher'],
    ['gone1', 'analyst'],
  ] as const) {
    tokens[name] = (await n.op('POST', '/admin/v1/tokens', { name, role })).body.token;
  }
});
afterAll(stopAll);

describe('console security', () => {
  it('serves no page without a session; CSP, frame, referrer and nosniff headers on every response', async () => {
    const seen: Response[] = [];
    for (const path of PAGES) {
      const r = await get(null, path);
      expect(r.status, path).toBe(303);
      expect(r.headers.get('location'), path).toMatch(/^\/sign-in\?next=/);
      seen.push(r);
    }
    const p = await post(null, '/records/new', { type: 'denial' });
    expect(p.status).toBe(401);
    seen.push(
      p,
      await get(null, '/sign-in'),
      await get(null, '/assets/console.css'),
      await get(null, '/assets/console.js'),
      await get(null, '/nope'),
    );
    const admin = await signIn(n.adminToken);
    for (const path of PAGES) seen.push(await get(admin, path));
    for (const r of seen) {
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, r.url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // the API keeps its own answers: no console headers, bearer authentication as before
    const api = await fetch(url + '/admin/v1/records');
    expect(api.status).toBe(401);
    expect(api.headers.get('content-security-policy')).toBeNull();
  });

  it('no inline script or style in any page', async () => {
    const admin = await signIn(n.adminToken);
    for (const path of PAGES) {
      const html = await (await get(admin, path)).text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ (Secure only over TLS)', async () => {
    const page = await fetch(url + '/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const signin = page.headers.getSetCookie()[0]!;
    expect(signin).toMatch(/HttpOnly; SameSite=Strict; Path=\/sign-in/);
    const r = await post(null, '/sign-in', { _csrf: csrf, token: n.adminToken }, { cookie: signin.split(';')[0]! });
    const session = r.headers.getSetCookie().find((c) => c.startsWith('entente_session='))!;
    expect(session).toMatch(/^entente_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const set: string[] = [];
    const res = { append: (_k: string, v: string) => set.push(v) };
    setCookie({ secure: true } as never, res as never, 'entente_session', 'x');
    expect(set[0]).toMatch(/; Secure$/);
  });

  it('gives a new session id at every sign-in (a planted or earlier id is never adopted)', async () => {
    const planted = 'entente_session=' + 'A'.repeat(43);
    const s = await signIn(tokens.analyst1!, planted);
    expect(s.cookie).not.toBe(planted);
    expect((await get({ cookie: planted, csrf: '' }, '/')).status).toBe(303);
    const again = await signIn(tokens.analyst1!, s.cookie);
    expect(again.cookie).not.toBe(s.cookie);
    expect((await get(s, '/')).status).toBe(303); // the earlier session ended at the new sign-in
    expect((await get(again, '/')).status).toBe(200);
  });

  it('refuses a state change without the CSRF token, with a wrong one, or from another origin', async () => {
    const s = await signIn(tokens.officer1!);
    const body = { type: 'denial', originatorReference: 'X-1' };
    expect((await post(s, '/records/new', body)).status).toBe(403);
    expect((await post(s, '/records/new', { ...body, _csrf: 'wrong' + s.csrf.slice(5) })).status).toBe(403);
    expect((await post(s, '/records/new', { ...body, _csrf: s.csrf }, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
    expect(
      (await post(s, '/records/new', { ...body, _csrf: s.csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' }))
        .status,
    ).toBe(403);
    expect((await post(s, '/sign-out', {})).status).toBe(403);
    // with the token and the same origin it reaches the node, which names what is missing (400, not 403)
    expect((await post(s, '/records/new', { ...body, _csrf: s.csrf })).status).toBe(400);
    expect(
      (await post(s, '/records/new', { ...body, _csrf: s.csrf }, { origin: 'null', 'sec-fetch-site': 'same-origin' }))
        .status,
    ).toBe(400);
    // sign-in itself needs its pre-session token
    const r = await post(null, '/sign-in', { token: n.adminToken, _csrf: 'x' });
    expect(r.status).toBe(403);
    expect(r.headers.getSetCookie().some((c) => c.startsWith('entente_session='))).toBe(false);
  });

  it('shows an analyst no officer or operator action: 403, and the links are absent', async () => {
    const s = await signIn(tokens.analyst1!);
    for (const path of [...OFFICER_ONLY, ...OPERATOR_ONLY]) expect((await get(s, path)).status, path).toBe(403);
    for (const [path, fields] of [
      ['/records/new', { type: 'denial' }],
      ['/tokens', { name: 'x', role: 'admin' }],
      ['/keys/rotate', { kind: 'signing' }],
      ['/partners/confirm', { bundle: '{}' }],
    ] as const) {
      expect((await post(s, path, { ...fields, _csrf: s.csrf })).status, path).toBe(403);
    }
    for (const path of ['/', '/records', '/screen', '/consultations', '/new']) {
      const html = await (await get(s, path)).text();
      for (const href of ['/records/new', ...OPERATOR_ONLY])
        expect(html, `${path} links ${href}`).not.toContain(`href="${href}`);
    }
    const officer = await signIn(tokens.officer1!);
    for (const path of OPERATOR_ONLY) expect((await get(officer, path)).status, path).toBe(403);
    expect(await (await get(officer, '/records')).text()).toContain('href="/records/new?type=denial"');
  });

  it('audits sign-in, sign-out and every action with the token name', async () => {
    const s = await signIn(tokens.officer1!);
    const r = await post(s, '/records/new', [
      ...toForm(publishBody('denial-wa-sensitive').record),
      ['type', 'denial'],
      ['_csrf', s.csrf],
    ]);
    expect(r.status, await r.clone().text()).toBe(303);
    await post(s, '/sign-out', { _csrf: s.csrf });
    const log = (await n.op('GET', '/admin/v1/audit?limit=1000')).body.items as { action: string; actor: string }[];
    const mine = log.filter((e) => e.actor === 'token:officer1').map((e) => e.action);
    expect(mine).toEqual(
      expect.arrayContaining(['console.sign-in', 'record.publish', 'token.use', 'console.sign-out']),
    );
    expect((await get(s, '/')).status).toBe(303);
  });

  it('ends sessions on token revocation, by an admin, after 30 idle minutes and after 12 hours', async () => {
    const gone = await signIn(tokens.gone1!);
    expect((await get(gone, '/')).status).toBe(200);
    await n.op('DELETE', '/admin/v1/tokens/gone1');
    expect((await get(gone, '/')).status).toBe(303);

    const admin = await signIn(n.adminToken);
    const victim = await signIn(tokens.analyst1!);
    const list = await (await get(admin, '/tokens')).text();
    const rows = list.split('<tr>').filter((row) => row.startsWith('<td>analyst1') && row.includes('name="handle"'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const h = /name="handle" value="([0-9A-Za-z_-]+)"/.exec(row)![1]!;
      expect((await post(admin, '/sessions/revoke', { _csrf: admin.csrf, handle: h })).status).toBe(303);
    }
    expect((await get(victim, '/')).status).toBe(303);

    const idle = await signIn(tokens.analyst1!);
    clock.advance(29 * 60_000);
    expect((await get(idle, '/')).status).toBe(200);
    clock.advance(29 * 60_000);
    expect((await get(idle, '/')).status).toBe(200); // used within the idle window: still alive
    clock.advance(31 * 60_000);
    expect((await get(idle, '/')).status).toBe(303);

    const long = await signIn(tokens.analyst1!);
    for (let h = 0; h < 12 * 2; h++) {
      clock.advance(29 * 60_000);
      expect((await get(long, '/new')).status).toBe(200);
    }
    clock.advance(29 * 60_000);
    expect((await get(long, '/new')).status).toBe(303);
  });
});

/** A record as the console form posts it: paths as field names, check lists as repeated fields. */
const CHECKS = new Set(['regimes', 'reasons', 'redFlags']);
function toForm(record: Record<string, unknown>, prefix = '', out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(record)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
      if (CHECKS.has(path)) for (const x of v) out.push([path, x]);
      else out.push([path, v.join(', ')]);
    } else if (Array.isArray(v)) v.forEach((x, i) => toForm(x as Record<string, unknown>, `${path}.${i}`, out));
    else if (v && typeof v === 'object') toForm(v as Record<string, unknown>, path, out);
    else if (v === true) out.push([path, 'on']);
    else if (v !== false && v !== null && v !== undefined) out.push([path, asText(v)]);
  }
  return out;
}
