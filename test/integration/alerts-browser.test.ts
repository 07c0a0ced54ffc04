// Rapid escalation as officers meet it, in chromium (docs/protocol.md §14.2–§14.4): an officer raises
// a FLASH alert by amending a record in the console's form; the partner's analyst sees the banner and
// the alerts page (the originator's text as text), acknowledges ACTIONED with the keyboard-reachable
// form; the originator's alerts page shows the partner's state. Every page passes axe-core.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launch, openPage, shot, signIn, type Watched } from '../helpers/browser.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

const HOSTILE = 'Detain <img src=x onerror="window.__pwned = 1"> on arrival';

let a: TestNode;
let b: TestNode;
let browser: Browser;
const watched: Watched[] = [];

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01'), bToA: agreement('agreement-wide', 'nl-lic-01') });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

async function open(n: TestNode): Promise<Watched> {
  const w = await openPage(browser, n.node.operatorUrl);
  watched.push(w);
  await signIn(w.page, n.node.operatorUrl, n.adminToken);
  return w;
}

describe('alerts in the browser', { timeout: 120_000 }, () => {
  it('an officer raises FLASH from the amend form; the partner acknowledges it; the originator sees ACTIONED', async () => {
    const pub = await a.op(
      'POST',
      '/admin/v1/records',
      publishBody('finding-seizure', { originatorReference: 'BR-ALERT-1' }),
    );
    expect(pub.status).toBe(201);
    const id = pub.body.id as string;
    await push(a, b);

    const officer = await open(a);
    const p = officer.page;
    await p.goto(`${a.node.operatorUrl}/records/${encodeURIComponent(id)}/amend`);
    const level = p.getByRole('combobox', { name: 'Level' });
    await expect.poll(() => level.inputValue()).toBe('');
    await level.selectOption('FLASH');
    await p.getByRole('textbox', { name: 'Action requested' }).fill(HOSTILE);
    await axe(p, 'amend form with an alert');
    await p.getByRole('button', { name: 'Publish the amendment' }).first().click();
    await p.waitForURL((u) => u.pathname === `/records/${encodeURIComponent(id)}`);
    const v2 = (await a.op('GET', `/admin/v1/records/${encodeURIComponent(id)}`)).body.current;
    expect(v2.version).toBe(2);
    expect(v2.record.alert).toEqual({ level: 'FLASH', actionRequested: HOSTILE });

    await push(a, b);
    const analyst = await open(b);
    const q = analyst.page;
    await q.goto(`${b.node.operatorUrl}/alerts`);
    await expect
      .poll(() => q.locator('#alert-banner').textContent())
      .toMatch(/1 FLASH alert from partners not acknowledged/);
    const row = q.locator('#alerts-received tbody tr', { hasText: id });
    expect(await row.textContent()).toContain(HOSTILE); // as text
    expect(await q.locator('img').count()).toBe(0);
    expect(await q.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await axe(q, 'alerts page with an open alert');
    await shot(q, 'alerts-received');
    await row.getByLabel('Note').fill('Container held at NRT.');
    await row.getByLabel('Desk').fill('customs liaison desk');
    await row.getByRole('button', { name: 'Actioned' }).click();
    await q.waitForURL((u) => u.pathname === '/alerts');
    expect(await q.locator('#alert-banner').count()).toBe(0);
    expect(await q.locator('#alerts-received tbody tr', { hasText: id }).textContent()).toContain('ACTIONED');

    await push(b, a);
    await p.goto(`${a.node.operatorUrl}/alerts`);
    const sent = await p.locator('main').textContent();
    expect(sent).toContain('ACTIONED');
    expect(sent).toContain('Container held at NRT.');
    await axe(p, 'alerts page of the originator');
    await shot(p, 'alerts-sent');
    for (const w of watched) expect(w.problems).toEqual([]);
    for (const w of watched) expect(w.offsite).toEqual([]);
  });
});
