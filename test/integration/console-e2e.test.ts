// The console end to end, in a real browser, across two real nodes (issue 17): an officer on A
// publishes a denial through the form (fixing a validation error the node names at its field); an
// analyst on B sees it under "new from partners" and screens an application that hits it; an officer
// on B opens a consultation from the hit; the officer on A answers it; the operator on A narrows the
// agreement in the editor and sees the preview; sign-out ends the session. Every page visited passes
// axe-core with no serious or critical violation, and a screenshot of each is written.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, launch, openPage, shot, signIn, visit, type Watched } from '../helpers/browser.js';
import { day } from '../helpers/dates.js';
import { agreement, push } from '../helpers/exchange.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
let browser: Browser;
const tokens: Record<string, string> = {};
const pages: Watched[] = [];

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

async function token(n: TestNode, name: string, role: string): Promise<string> {
  const r = await n.op('POST', '/admin/v1/tokens', { name, role });
  expect(r.status).toBe(201);
  return r.body.token as string;
}

async function as(n: TestNode, who: string): Promise<Watched> {
  const w = await openPage(browser, n.node.operatorUrl);
  pages.push(w);
  await signIn(w.page, n.node.operatorUrl, tokens[who] ?? n.adminToken);
  return w;
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', name: 'NL dual-use licensing', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', name: 'JP export licensing', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', b.nodeId), bToA: agreement('agreement-wide', a.nodeId) });
  await push(a, b);
  await push(b, a);
  tokens['officer-a'] = await token(a, 'officer-a', 'publisher');
  tokens['analyst-b'] = await token(b, 'analyst-b', 'analyst');
  tokens['officer-b'] = await token(b, 'officer-b', 'publisher');
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stopAll();
});

describe('the console across two nodes, in chromium', { timeout: 180_000 }, () => {
  let officerA: Watched;
  let denialUrl = '';

  it('an officer on A publishes a denial through the form, fixing the error the node names at its field', async () => {
    const probe = await openPage(browser, a.node.operatorUrl);
    pages.push(probe);
    await probe.page.goto(a.node.operatorUrl + '/sign-in');
    await axe(probe.page, 'sign-in');
    await shot(probe.page, '01-sign-in');

    officerA = await as(a, 'officer-a');
    const p = officerA.page;
    await p.getByRole('link', { name: 'Records' }).click();
    await p.getByRole('link', { name: 'Publish a denial' }).first().click();
    await field(p, 'originatorReference').fill('NL-DU-2031-00417');
    await field(p, 'regimes').and(p.locator('[value="WA"]')).check();
    await field(p, 'regimes').and(p.locator('[value="EU_DUAL_USE"]')).check();
    await field(p, 'decisionDate').fill(day(-10));
    await field(p, 'destinationCountry').fill('AE');
    await field(p, 'items.0.controlRefs.0.scheme').selectOption('EU_ANNEX_I');
    await field(p, 'items.0.controlRefs.0.code').fill('3A001.a.2');
    await field(p, 'items.0.description').fill('Radiation-hardened FPGA, space grade');
    await field(p, 'parties.0.party.names.0.value').fill('Harbourline Trading FZE');
    // a second name in Arabic script, added without JavaScript's help (the server re-renders the form)
    await p.getByRole('button', { name: 'Add name' }).first().click();
    await field(p, 'parties.0.party.names.1.value').fill('هاربورلاين للتجارة');
    await field(p, 'parties.0.party.names.1.type').selectOption('ALIAS');
    await field(p, 'parties.0.party.names.1.script').fill('Arab');
    await field(p, 'reasons').and(p.locator('[value="DIVERSION_RISK"]')).check();
    // WA without a Wassenaar tier: rule D1 of records-v1, named by the node at /waTier
    await p.getByRole('button', { name: 'Publish the denial' }).first().click();
    const err = p.locator('[id="err-waTier"]');
    await expect(err.textContent()).resolves.toMatch(/D1/);
    await expect(field(p, 'waTier').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await p.locator('#error-summary').count()).toBeGreaterThan(0);
    await axe(p, 'publish form with an error');
    await shot(p, '02-publish-error-at-field');
    // the Arabic name survived the round trip
    await expect(field(p, 'parties.0.party.names.1.value').inputValue()).resolves.toBe('هاربورلاين للتجارة');
    await field(p, 'waTier').selectOption('SENSITIVE');
    await p.getByRole('button', { name: 'Publish the denial' }).first().click();
    await p.waitForURL(/\/records\/urn/);
    denialUrl = p.url();
    await expect(p.locator('.banner.ok').textContent()).resolves.toMatch(/Published and signed/);
    await expect(p.locator('.tlp').textContent()).resolves.toMatch(/TLP:AMBER/);
    await expect(p.locator('.flags').textContent()).resolves.toMatch(/No onward sharing/);
    await axe(p, 'record view (own)');
    await shot(p, '03-record-view-own');
    await visit(officerA, a.node.operatorUrl + '/records', '04-records-list');
    await visit(officerA, a.node.operatorUrl + '/', '05-overview-officer');
  });

  let screened: Watched;
  it('an analyst on B sees it under "new from partners" and screens an application that hits it', async () => {
    await push(a, b);
    const w = await as(b, 'analyst-b');
    const p = w.page;
    await expect(p.locator('main').textContent()).resolves.toMatch(/1 new version since you last looked/);
    await p.getByRole('link', { name: 'New from partners' }).click();
    await expect(p.locator('main').textContent()).resolves.toMatch(/From nl-lic-01/);
    await axe(p, 'new from partners');
    await shot(p, '06-new-from-partners');
    await p.getByRole('link', { name: 'NL-DU-2031-00417' }).click();
    await expect(p.locator('.tlp').textContent()).resolves.toMatch(/TLP:AMBER/);
    await expect(p.locator('main').textContent()).resolves.toMatch(/verified on receipt/);
    await axe(p, 'record view (received)');
    await shot(p, '07-record-view-received');
    // the analyst may not publish, consult or operate: those links are absent, not greyed
    await expect(p.getByRole('link', { name: 'Publish a denial' }).count()).resolves.toBe(0);
    await expect(p.getByRole('link', { name: 'Partners', exact: true }).count()).resolves.toBe(0);
    await expect(p.getByRole('button', { name: 'Amend' }).count()).resolves.toBe(0);

    await p.getByRole('link', { name: 'Screening' }).click();
    await p.getByRole('link', { name: 'A whole application' }).click();
    await fillApplication(p);
    await p.getByRole('button', { name: 'Screen', exact: true }).click();
    const candidates = p.locator('table', { hasText: 'Partner denials this application may undercut' });
    await expect(candidates.textContent()).resolves.toMatch(/NL-DU-2031-00417[\s\S]*essentially identical/);
    await expect(p.getByRole('button', { name: /Open a consultation/ }).count()).resolves.toBe(0);
    await expect(p.locator('main').textContent()).resolves.toMatch(/name similarity/);
    await axe(p, 'screening results');
    await shot(p, '08-screening-application');
    screened = w;
  });

  it('an officer on B opens a consultation from the hit', async () => {
    const w = await as(b, 'officer-b');
    const p = w.page;
    await p.goto(b.node.operatorUrl + '/screen?mode=application');
    await fillApplication(p);
    await p.getByRole('button', { name: 'Screen', exact: true }).click();
    await p.getByRole('button', { name: 'Open a consultation with nl-lic-01' }).click();
    await expect(field(p, 'proposedTransaction.parties.0.party.names.0.value').inputValue()).resolves.toBe(
      'Harbour Line Trading FZE',
    );
    await field(p, 'question').fill('Same consignee as your NL-DU-2031-00417 (name variant). Essentially identical?');
    await axe(p, 'consultation request form');
    await p.getByRole('button', { name: 'Send the request to nl-lic-01' }).click();
    await p.waitForURL(/\/consultations\/urn/);
    await expect(p.locator('main').textContent()).resolves.toMatch(/REQUEST from jp-lic-01/);
    await expect(p.locator('main').textContent()).resolves.toMatch(/responder's calendar, NL/);
    await axe(p, 'consultation (requester)');
    await shot(p, '09-consultation-request');
    expect(screened.problems).toEqual([]);
  });

  it('the officer on A answers it in the browser', async () => {
    await push(b, a);
    const p = officerA.page;
    await p.getByRole('link', { name: 'Consultations' }).click();
    await axe(p, 'consultations inbox');
    await shot(p, '10-consultations-inbox');
    await p.locator('table', { hasText: 'Asked of us' }).getByRole('link', { name: 'jp-lic-01' }).click();
    await field(p, 'position').selectOption('MAINTAINS_DENIAL');
    await field(p, 'rationale').fill('Same consignee; the end use is not credible. We maintain the denial.');
    await p.getByRole('button', { name: 'Send the answer' }).click();
    await expect(p.locator('.banner.ok').textContent()).resolves.toMatch(/Message sent/);
    await expect(p.locator('main').textContent()).resolves.toMatch(/RESPONSE from nl-lic-01/);
    await axe(p, 'consultation (responder)');
    await shot(p, '11-consultation-answered');
    await push(a, b);
    const x = await b.op('GET', '/admin/v1/consultations');
    expect(x.body.items[0].position).toBe('MAINTAINS_DENIAL');
  });

  it('the operator on A narrows the agreement in the editor and sees the preview', async () => {
    const w = await as(a, 'admin');
    const p = w.page;
    await p.getByRole('link', { name: 'Partners', exact: true }).click();
    await axe(p, 'partners');
    await shot(p, '12-partners');
    await p.getByRole('link', { name: 'jp-lic-01' }).first().click();
    await axe(p, 'partner');
    await p.getByRole('link', { name: 'Edit the agreement' }).click();
    await expect(p.locator('#preview').textContent()).resolves.toMatch(/1\s*shared/);
    await field(p, 'share.denial.maxTlp').selectOption('GREEN');
    await p.getByRole('button', { name: 'Preview' }).click();
    const preview = p.locator('#preview');
    // B holds the denial: narrowing recalls nothing by itself; its next version would go as a recall
    await expect(preview.textContent()).resolves.toMatch(/0\s*shared[\s\S]*1\s*would be recalled/);
    await expect(preview.textContent()).resolves.toMatch(/NL-DU-2031-00417[\s\S]*recalled[\s\S]*TLP/);
    await axe(p, 'agreement editor with preview');
    await shot(p, '13-agreement-preview');
    await p.getByRole('button', { name: 'Save the agreement' }).click();
    await expect(p.locator('.banner.ok').textContent()).resolves.toMatch(/Agreement saved/);
    const ag = await a.op('GET', `/admin/v1/partners/${b.nodeId}`);
    expect(ag.body.agreement.share.denial.maxTlp).toBe('GREEN');
    // the sync charts are their own request, loaded by the page's script after the table
    await p.goto(a.node.operatorUrl + '/sync');
    await p.locator('[data-loaded] figure.chart').first().waitFor();
    await axe(p, 'sync');
    await shot(p, '14-sync');
    for (const [path, name] of [
      [`/sync/charts/${b.nodeId}`, '14-sync-charts-page'],
      ['/reciprocity', '15-reciprocity'],
      ['/alarms', '16-alarms'],
      ['/audit', '17-audit'],
      ['/tokens', '18-tokens'],
      ['/keys', '19-keys'],
      ['/partners/new', '20-add-partner'],
      ['/records/new?type=finding', '21-publish-finding'],
      ['/', '22-overview-operator'],
    ] as const) {
      await visit(w, a.node.operatorUrl + path, name);
    }
    await p.goto(denialUrl);
    await expect(p.locator('table', { hasText: 'Released to' }).textContent()).resolves.toMatch(
      /jp-lic-01[\s\S]*yes, receipt signed/,
    );
  });

  it('sign-out ends the session; the old cookie opens nothing', async () => {
    const p = officerA.page;
    const cookie = (await officerA.context.cookies()).find((c) => c.name === 'entente_session')!;
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.waitForURL(/\/sign-in\?signed-out/);
    await expect(p.locator('main').textContent()).resolves.toMatch(/session has ended/);
    await p.goto(a.node.operatorUrl + '/records');
    expect(new URL(p.url()).pathname).toBe('/sign-in');
    const replay = await fetch(a.node.operatorUrl + '/records', {
      headers: { cookie: `entente_session=${cookie.value}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/^\/sign-in/);
  });

  it('no page broke its CSP, raised a script error or a dialog, or fetched anything off the node', () => {
    for (const w of pages) {
      expect(w.problems).toEqual([]);
      expect(w.offsite).toEqual([]);
    }
  });
});

async function fillApplication(p: Page): Promise<void> {
  await field(p, 'proposedTransaction.applicationReference').fill('JP-APP-2031-55120');
  await field(p, 'proposedTransaction.destinationCountry').fill('AE');
  await field(p, 'proposedTransaction.items.0.controlRefs.0.scheme').selectOption('EU_ANNEX_I');
  await field(p, 'proposedTransaction.items.0.controlRefs.0.code').fill('3A001.a.2');
  await field(p, 'proposedTransaction.items.0.description').fill('Rad-hard FPGA, 300 krad(Si)');
  await field(p, 'proposedTransaction.parties.0.party.names.0.value').fill('Harbour Line Trading FZE');
  await field(p, 'proposedTransaction.parties.1.party.names.0.value').fill('Meridian Sat FZ-LLC');
}
