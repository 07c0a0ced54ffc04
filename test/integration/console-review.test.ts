// Issue 13 in the console: a received record whose new version changes what the originator may not
// change carries the review label in the records list and its findings on its page; an analyst marks
// it reviewed with a form (CSRF token, audited, the same service as POST /admin/v1/records/{id}/review).
// The partner's text that ends up in the findings (the held originatorReference) is shown as text.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { axe, launch, openPage, shot, signIn, type Watched } from '../helpers/browser.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { expectedAt, jwsOver, releasePayload, signingKeyOf } from '../helpers/forge.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

const IMG = '"><img src=x onerror="window.__pwned = 1">';
const SCRIPT = '<script>window.__pwned = 2</script>';
const HELD_REF = `NL-${IMG}`.slice(0, 64);
const NEW_REF = `NL-${SCRIPT}`.slice(0, 64);

let a: TestNode;
let b: TestNode;
let browser: Browser;
let id = '';
let analyst = '';
const watched: Watched[] = [];

/** The next version from A's real key at B's expected position, as a misbehaving originator would send it. */
async function sendNext(recordId: string, change: (r: Record<string, any>) => Record<string, any>): Promise<void> {
  const cur = (await b.op('GET', `/admin/v1/records/${recordId}`)).body.current.record as Record<string, any>;
  const next = change({
    ...cur,
    version: cur.version + 1,
    supersedes: { id: recordId, version: cur.version },
    updatedAt: new Date(Date.parse(cur.updatedAt) + 60_000).toISOString().replace('.000Z', 'Z'),
  });
  const ag = a.node.services.agreements.current(b.nodeId)!;
  const payload = releasePayload(
    a,
    b,
    expectedAt(b, a.nodeId),
    'record',
    { record: next, redacted: [] },
    { agreement: { reference: ag.reference, version: ag.version } },
  );
  const client = a.clientTo(b);
  try {
    const r = await client.call('POST', '/v1/inbox', { items: [jwsOver(signingKeyOf(a), canonicalString(payload))] });
    expect(r.status, r.body.toString()).toBe(200);
  } finally {
    await client.close();
  }
}

async function noMarkupLeaked(p: Page, where: string): Promise<void> {
  const leaked = await p.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    imgs: document.querySelectorAll('img').length,
    scripts: Array.from(document.querySelectorAll('script')).filter((s) => !s.src.endsWith('/assets/console.js'))
      .length,
    handlers: Array.from(document.querySelectorAll('*')).filter((e) =>
      Array.from(e.attributes).some((x) => x.name.startsWith('on')),
    ).length,
  }));
  expect(leaked, where).toEqual({ pwned: null, imgs: 0, scripts: 0, handlers: 0 });
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', b.nodeId) });
  const r = await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all', { originatorReference: HELD_REF }));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  id = r.body.id;
  await push(a, b);
  // version 2 changes the reference, which is the same in every version (records.md §2.1)
  await sendNext(id, (rec) => ({ ...rec, changeType: 'AMENDMENT', originatorReference: NEW_REF }));
  const held = (await b.op('GET', `/admin/v1/records/${id}`)).body;
  expect(held.review[0].violations[0]).toMatchObject({
    rule: 'same-in-every-version',
    pointer: '/originatorReference',
  });
  expect(held.review[0].violations[0].message).toContain(JSON.stringify(HELD_REF));
  const t = await b.op('POST', '/admin/v1/tokens', { name: 'kenji', role: 'analyst' });
  expect(t.status).toBe(201);
  analyst = t.body.token;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('cross-version review in the console', { timeout: 180_000 }, () => {
  it('labels the record in the list and shows the findings on its page, the partner text as text', async () => {
    const w = await openPage(browser, b.node.operatorUrl);
    watched.push(w);
    const p = w.page;
    await signIn(p, b.node.operatorUrl, analyst);
    await p.goto(b.node.operatorUrl + '/records?origin=nl-lic-01');
    const label = p.locator('a.review-label');
    await expect(label.count()).resolves.toBe(1);
    await expect(label.getAttribute('href')).resolves.toBe(`/records/${encodeURIComponent(id)}#sec-review`);
    await noMarkupLeaked(p, 'records list');
    await axe(p, 'records list with a record to review');
    await shot(p, '23-review-list');

    await label.click();
    await p.waitForURL((u) => u.pathname === `/records/${encodeURIComponent(id)}`);
    const panel = p.locator('section.review');
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('same-in-every-version');
    expect(text).toContain('/originatorReference');
    // the held reference, as the partner wrote it, inside the finding's message: text, not markup
    expect(text).toContain(JSON.stringify(HELD_REF));
    await expect(panel.locator('bdi', { hasText: '<img src=x onerror=' }).count()).resolves.toBe(1);
    await noMarkupLeaked(p, 'record page');
    await axe(p, 'received record to review');
    await shot(p, '24-review-record');

    // escaping alone holds: with the CSP bypassed nothing runs either
    const ctx = await browser.newContext({ bypassCSP: true });
    const open = await ctx.newPage();
    await signIn(open, b.node.operatorUrl, analyst);
    for (const path of ['/records?origin=nl-lic-01', `/records/${encodeURIComponent(id)}`]) {
      await open.goto(b.node.operatorUrl + path);
      await noMarkupLeaked(open, `${path} without CSP`);
    }
    await ctx.close();
  });

  it('refuses "mark reviewed" without the session\'s CSRF token', async () => {
    const p = watched[0]!.page;
    const status = await p.evaluate(
      async (path) =>
        (
          await fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: 'not-the-token', note: 'forged' }),
          })
        ).status,
      `/records/${encodeURIComponent(id)}/review`,
    );
    expect(status).toBe(403);
    expect((await b.op('GET', `/admin/v1/records/${id}`)).body.review).toHaveLength(1);
  });

  it('marks it reviewed with a note: the label goes, the review is audited with the token name', async () => {
    const p = watched[0]!.page;
    await p.goto(b.node.operatorUrl + `/records/${encodeURIComponent(id)}`);
    await p.getByLabel('Note (optional; kept in the audit log)').fill(`Asked NL: ${SCRIPT} was a typo.`);
    await p.getByRole('button', { name: 'Mark reviewed' }).click();
    await p.waitForURL(/flash=reviewed/);
    await expect(p.locator('.banner.ok').textContent()).resolves.toMatch(/Marked reviewed/);
    await expect(p.locator('section.review').count()).resolves.toBe(0);
    await axe(p, 'record after review');

    const d = (await b.op('GET', `/admin/v1/records/${id}`)).body;
    expect(d.review).toBeNull();
    expect(d.labels).not.toContain('cross-version-violation');
    const audit = (await b.op('GET', '/admin/v1/audit?limit=1000')).body.items as {
      action: string;
      actor: string;
      subject: string;
      details: { note: string | null };
    }[];
    expect(audit.filter((e) => e.action === 'record.review')).toEqual([
      expect.objectContaining({
        actor: 'token:kenji',
        subject: id,
        details: expect.objectContaining({ note: `Asked NL: ${SCRIPT} was a typo.` }),
      }),
    ]);
    await p.goto(b.node.operatorUrl + '/records?origin=nl-lic-01');
    await expect(p.locator('a.review-label').count()).resolves.toBe(0);

    // a second "mark reviewed" (a stale page) is refused: nothing awaits review
    const again = await p.evaluate(
      async ({ path, csrf }) =>
        (
          await fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: csrf }),
          })
        ).status,
      {
        path: `/records/${encodeURIComponent(id)}/review`,
        csrf: (await p.locator('input[name="_csrf"]').first().getAttribute('value'))!,
      },
    );
    expect(again).toBe(409);
  });

  it('reported no CSP violation, script error, dialog or off-node request', () => {
    for (const w of watched) {
      expect(w.problems).toEqual([]);
      expect(w.offsite).toEqual([]);
    }
  });
});
