// The console in chromium against hostile partner data, and with the keyboard alone (issue 17).
// A partner node publishes records full of <script>, "><img onerror>, javascript: URLs and bidi
// overrides; they reach this node over the real federation; the pages that show them run no script
// (also with the CSP switched off: escaping alone holds), keep each string inside its element, and
// render Arabic and CJK names in their own direction.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launch, openPage, shot, signIn, type Watched } from '../helpers/browser.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

const SCRIPT = '<script>window.__pwned = 1</script>';
const IMG = '"><img src=x onerror="window.__pwned = 2">';
const JS_URL = 'javascript:window.__pwned = 3';
const RLO = '\u202Egnp.exe\u202C Trading';
const CLOSE = '</bdi></td></tr></table><script>window.__pwned = 4</script>';
const ARABIC = 'شركة الخليج للتجارة العامة';
const CJK = '深圳华强贸易有限公司';

let hostile: TestNode;
let victim: TestNode;
let browser: Browser;
let findingId = '';
let denialId = '';
const watched: Watched[] = [];

beforeAll(async () => {
  [hostile, victim] = await Promise.all([
    startTestNode('xx-hostile-01', { country: 'GB', name: `Hostile ${SCRIPT}`, sync: { autoStart: false } }),
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
  ]);
  await link(hostile, victim, {
    aToB: agreement('agreement-wide', victim.nodeId),
    bToA: agreement('agreement-wide', hostile.nodeId),
  });
  const party = (role: string, names: { value: string; type: string; script?: string }[], notes: string) => ({
    role,
    party: { kind: 'COMPANY', names, notes, addresses: [{ full: IMG, city: JS_URL, country: 'AE', remarks: CLOSE }] },
  });
  const f = publishBody('finding-network', {
    originatorReference: `OP-${IMG}`.slice(0, 64),
    title: SCRIPT,
    summary: `${IMG}\n${JS_URL}\n${CLOSE}\n${RLO}`,
    parties: [
      party(
        'FRONT_COMPANY',
        [
          { value: `${IMG} Holdings`, type: 'PRIMARY' },
          { value: ARABIC, type: 'ALIAS', script: 'Arab' },
        ],
        SCRIPT,
      ),
      party(
        'FACILITATOR',
        [
          { value: RLO, type: 'PRIMARY' },
          { value: CJK, type: 'ALIAS', script: 'Hans' },
        ],
        `${JS_URL} ${CLOSE}`,
      ),
    ],
  });
  const rf = await hostile.op('POST', '/admin/v1/records', f);
  expect(rf.status, JSON.stringify(rf.body)).toBe(201);
  findingId = rf.body.id;
  const d = publishBody('denial-wa-sensitive', {
    originatorReference: `<b>${SCRIPT}</b>`.slice(0, 64),
    reasonNarrative: CLOSE,
    reasons: ['OTHER'],
  });
  d.record.parties = [
    party(
      'CONSIGNEE',
      [
        { value: `${SCRIPT} FZE`, type: 'PRIMARY' },
        { value: RLO, type: 'ALIAS' },
      ],
      IMG,
    ),
  ];
  const rd = await hostile.op('POST', '/admin/v1/records', d);
  expect(rd.status, JSON.stringify(rd.body)).toBe(201);
  denialId = rd.body.id;
  await push(hostile, victim);
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

async function pwned(p: Page): Promise<unknown> {
  return p.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
}

async function noMarkupLeaked(p: Page, where: string): Promise<void> {
  expect(await pwned(p), where).toBeUndefined();
  const leaked = await p.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    scripts: Array.from(document.querySelectorAll('script')).filter((s) => !s.src.endsWith('/assets/console.js'))
      .length,
    jsLinks: document.querySelectorAll('a[href^="javascript:"], [src^="javascript:"]').length,
    handlers: Array.from(document.querySelectorAll('*')).filter((e) =>
      Array.from(e.attributes).some((a) => a.name.startsWith('on')),
    ).length,
  }));
  expect(leaked, where).toEqual({ imgs: 0, scripts: 0, jsLinks: 0, handlers: 0 });
}

describe('hostile partner data', { timeout: 180_000 }, () => {
  const pages = () => [
    ['/new', 'hostile-new-from-partners'],
    ['/records', 'hostile-records'],
    [`/records/${encodeURIComponent(findingId)}`, 'hostile-finding'],
    [`/records/${encodeURIComponent(denialId)}`, 'hostile-denial'],
    ['/partners', 'hostile-partners'],
    ['/sync', 'hostile-sync'],
  ];

  it('is shown as text: no script runs, no markup leaks out of its element, with or without the CSP', async () => {
    const w = await openPage(browser, victim.node.operatorUrl);
    watched.push(w);
    await signIn(w.page, victim.node.operatorUrl, victim.adminToken);
    for (const [path, name] of pages()) {
      await w.page.goto(victim.node.operatorUrl + path!);
      await noMarkupLeaked(w.page, path!);
      await axe(w.page, path!);
      await shot(w.page, name!);
    }
    await w.page.goto(victim.node.operatorUrl + `/records/${encodeURIComponent(findingId)}`);
    const text = (await w.page.locator('main').textContent()) ?? '';
    for (const s of [SCRIPT, IMG, JS_URL, CLOSE]) expect(text).toContain(s);
    // screening for the hostile name returns it as text too
    await w.page.goto(victim.node.operatorUrl + '/screen');
    await w.page.getByLabel('Name (any script)').fill(`${IMG} Holdings`);
    await w.page.getByRole('button', { name: 'Screen', exact: true }).click();
    await noMarkupLeaked(w.page, 'screening');
    expect(await w.page.locator('main').textContent()).toContain(`${IMG} Holdings`);

    // escaping alone holds: the same pages with the CSP bypassed run nothing either
    const ctx = await browser.newContext({ bypassCSP: true });
    const p = await ctx.newPage();
    const dialogs: string[] = [];
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(p, victim.node.operatorUrl, victim.adminToken);
    for (const [path] of pages()) {
      await p.goto(victim.node.operatorUrl + path!);
      await noMarkupLeaked(p, `${path} without CSP`);
    }
    expect(dialogs).toEqual([]);
    await ctx.close();
  });

  it('keeps bidi overrides inside their element and renders Arabic and CJK names in their own direction', async () => {
    const w = watched[0]!;
    await w.page.goto(victim.node.operatorUrl + `/records/${encodeURIComponent(findingId)}`);
    const names = await w.page.evaluate(() =>
      Array.from(document.querySelectorAll('bdi.name')).map((e) => ({
        text: e.textContent,
        bidi: getComputedStyle(e).unicodeBidi,
        dir: getComputedStyle(e).direction,
      })),
    );
    const by = (s: string) => names.find((n) => n.text === s);
    expect(by('\u202Egnp.exe\u202C Trading')).toMatchObject({ bidi: 'isolate' });
    expect(by('شركة الخليج للتجارة العامة')).toMatchObject({ bidi: 'isolate', dir: 'rtl' });
    expect(by('深圳华强贸易有限公司')).toMatchObject({ bidi: 'isolate', dir: 'ltr' });
    // the text after an overridden name is laid out after it, not pulled into it
    const order = await w.page.evaluate((rlo) => {
      const el = Array.from(document.querySelectorAll('bdi.name')).find((e) => e.textContent === rlo)!;
      const badge = el.nextElementSibling ?? el.parentElement!.querySelector('.badge')!;
      return el.getBoundingClientRect().right <= badge.getBoundingClientRect().left + 1;
    }, RLO);
    expect(order).toBe(true);
  });

  it('reported no CSP violation, script error, dialog or off-node request', () => {
    for (const w of watched) {
      expect(w.problems).toEqual([]);
      expect(w.offsite).toEqual([]);
    }
  });
});

describe('the keyboard alone', { timeout: 180_000 }, () => {
  it('signs in, skips to the content, moves through the navigation, screens a party and signs out', async () => {
    const w = await openPage(browser, victim.node.operatorUrl);
    const p = w.page;
    await p.goto(victim.node.operatorUrl + '/sign-in');
    const focusTo = async (pred: (text: string, tag: string) => boolean, limit = 60) => {
      for (let i = 0; i < limit; i++) {
        await p.keyboard.press('Tab');
        const f = await p.evaluate(() => ({
          text: document.activeElement?.textContent?.trim() ?? '',
          tag: document.activeElement?.tagName ?? '',
          label: document.activeElement?.getAttribute('name') ?? '',
        }));
        if (pred(f.text || f.label, f.tag)) return;
      }
      throw new Error('never reached the element with Tab');
    };
    await focusTo((t, tag) => tag === 'INPUT' && t === 'token');
    await p.keyboard.type(victim.adminToken);
    await p.keyboard.press('Enter');
    await p.waitForURL((u) => u.pathname === '/');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const outline = await p.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await p.keyboard.press('Enter');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('main');
    await focusTo((t, tag) => tag === 'A' && t === 'Screening');
    await p.keyboard.press('Enter');
    await p.waitForURL(/\/screen/);
    await focusTo((t, tag) => tag === 'INPUT' && t === 'name');
    await p.keyboard.type(CJK);
    await p.keyboard.press('Enter');
    await p.waitForLoadState();
    expect(await p.locator('main').textContent()).toContain(CJK);
    await focusTo((t, tag) => tag === 'BUTTON' && t === 'Sign out');
    await p.keyboard.press('Enter');
    await p.waitForURL(/signed-out/);
    expect(w.problems).toEqual([]);
    await w.context.close();
  });
});
