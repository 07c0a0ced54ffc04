// EXERCISE on every human-facing surface of an exercise node (docs/protocol.md §14.5), and none of it
// on a live node: the console's banner (in chromium, axe-clean), the first line of CLI tables,
// screening answers, audit exports (still verifying) and signed webhook bodies.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { axe, launch, openPage, shot, signIn } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { agreement, push } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

const SECRET = 'exercise-webhook-secret-0123456789';
let drill: TestNode; // the exercise node under test, with a webhook
let partner: TestNode; // its exercise partner
let live: TestNode;
let server: Server;
let browser: Browser;
const hooks: { signature: unknown; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      hooks.push({ signature: req.headers['x-entente-signature'], body: text });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  [drill, partner, live] = await Promise.all([
    startTestNode('de-enf-01', {
      country: 'DE',
      exercise: true,
      sync: { autoStart: false },
      configure: (raw) => (raw.notifications = { webhooks: [{ url, secret: SECRET }] }),
    }),
    startTestNode('jp-lic-01', { country: 'JP', exercise: true, sync: { autoStart: false } }),
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
  ]);
  await link(partner, drill, { aToB: agreement('agreement-wide', 'de-enf-01') });
  await push(partner, drill); // learns the versions: the alert member is 1.1
  const body = publishBody('denial-wa-sensitive');
  body.record.alert = { level: 'FLASH', actionRequested: 'Detain shipment on arrival (exercise inject).' };
  expect((await partner.op('POST', '/admin/v1/records', body)).status).toBe(201);
  await push(partner, drill);
  await live.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => server.close(() => r()));
  await stopAll();
});

const name = () => example('denial-wa-sensitive').parties[0].party.names[0].value as string;

describe('console', () => {
  it('every page of an exercise node carries the banner, sign-in and errors included; a live node none', async () => {
    const w = await openPage(browser, drill.node.operatorUrl);
    const { page } = w;
    await page.goto(drill.node.operatorUrl + '/sign-in');
    const pages: string[] = ['sign-in'];
    const check = async (what: string) => {
      const banner = page.getByRole('region', { name: 'Exercise node' });
      await expect.poll(() => banner.isVisible()).toBe(true);
      expect(await banner.innerText()).toMatch(/^EXERCISE — de-enf-01 is an exercise node/);
      expect(await banner.locator('button, [aria-label*="close" i], [hidden]').count()).toBe(0);
      expect(await page.title()).toMatch(/^EXERCISE · /);
      // above everything and as wide as the page
      const box = (await banner.boundingBox())!;
      expect(box.y).toBe(0);
      expect(box.width).toBeGreaterThanOrEqual(1200);
      await axe(page, `exercise ${what}`);
    };
    await check('sign-in');
    await signIn(page, drill.node.operatorUrl, drill.adminToken);
    for (const path of ['/', '/records', '/alerts', '/partners', '/no-such-page']) {
      const res = await page.goto(drill.node.operatorUrl + path);
      if (path === '/no-such-page') expect(res!.status()).toBe(404);
      await check(path);
      pages.push(path);
    }
    await page.goto(drill.node.operatorUrl + `/screen?name=${encodeURIComponent(name())}`);
    await check('screening');
    await shot(page, 'exercise-banner');
    expect(w.problems).toEqual([]);
    await w.context.close();

    const l = await openPage(browser, live.node.operatorUrl);
    await l.page.goto(live.node.operatorUrl + '/sign-in');
    expect(await l.page.locator('#exercise-banner').count()).toBe(0);
    await signIn(l.page, live.node.operatorUrl, live.adminToken);
    await l.page.goto(live.node.operatorUrl + '/records');
    expect(await l.page.locator('#exercise-banner').count()).toBe(0);
    expect(await l.page.title()).not.toMatch(/EXERCISE/);
    await l.context.close();
  });
});

describe('CLI', () => {
  it('the first line of every table is the EXERCISE line; JSON keeps its shape; a live node prints none', async () => {
    for (const args of [['partner', 'list'], ['token', 'list'], ['sync-status']]) {
      const r = await cli([...args, '--dir', drill.dir]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('EXERCISE — de-enf-01 is an exercise node: invented data');
      const l = await cli([...args, '--dir', live.dir]);
      expect(l.code, l.stderr).toBe(0);
      expect(l.stdout).not.toMatch(/EXERCISE/);
    }
    const json = await cli(['partner', 'list', '--dir', drill.dir, '--json']);
    expect(JSON.parse(json.stdout)).toEqual((await drill.op('GET', '/admin/v1/partners')).body);
    const screened = await cli(['screen', '--dir', drill.dir, '--name', name()]);
    expect(screened.code, screened.stderr).toBe(0);
    expect(screened.stdout.split('\n')[0]).toBe('EXERCISE — de-enf-01 is an exercise node: invented data');
    expect(screened.stdout.match(/EXERCISE/g)).toHaveLength(1);
    expect((await cli(['screen', '--dir', live.dir, '--name', name()])).stdout).not.toMatch(/EXERCISE/);
  });
});

describe('screening, audit exports, webhooks', () => {
  it('screening answers carry exercise: true on an exercise node only', async () => {
    const parties = [{ name: name() }];
    const d = await drill.op('POST', '/admin/v1/screen', { parties });
    expect(d.status).toBe(200);
    expect(d.body.exercise).toBe(true);
    expect(d.body.results[0].hits.length).toBeGreaterThan(0);
    const l = await live.op('POST', '/admin/v1/screen', { parties });
    expect(l.status).toBe(200);
    expect(l.body).not.toHaveProperty('exercise');
  });

  it('an audit export says exercise and still verifies offline', async () => {
    const file = join(tempDir(), 'audit.json');
    const r = await cli(['audit', 'export', file, '--dir', drill.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(EXERCISE node\)/);
    const v = await cli(['audit', 'verify', '--bundle', file, '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
    const bundle = (await drill.op('POST', '/admin/v1/audit/export', {})).body;
    expect(bundle).toMatchObject({ nodeId: 'de-enf-01', mode: 'exercise' });
    expect((await live.op('POST', '/admin/v1/audit/export', {})).body).not.toHaveProperty('mode');
    writeFileSync(file, JSON.stringify(bundle));
    expect((await cli(['audit', 'verify', '--bundle', file])).code).toBe(0);
  });

  it('webhook bodies say "exercise": true and stay HMAC-signed', async () => {
    await vi.waitFor(() => expect(hooks.length).toBeGreaterThan(0), { timeout: 30_000, interval: 100 });
    const [h] = hooks;
    expect(h!.signature).toBe(`sha256=${createHmac('sha256', SECRET).update(h!.body).digest('hex')}`);
    const sent = JSON.parse(h!.body);
    expect(sent).toMatchObject({ kind: 'alert', partner: 'jp-lic-01', level: 'FLASH', exercise: true });
  });
});
