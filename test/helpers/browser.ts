// A real browser for the console's tests: Debian's chromium driven by playwright-core (which downloads
// nothing), axe-core injected into each page, screenshots written under test-results/console/.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(import.meta.dirname, '../../test-results/console');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** CSP violations, script errors and dialogs seen so far (a dialog would mean injected script ran). */
  problems: string[];
  /** Requests that left the node under test. */
  offsite: string[];
}

/** A fresh context (its own cookies) and page, watching for CSP reports, errors, dialogs and off-site requests. */
export async function openPage(browser: Browser, origin: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  const offsite: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    if (d.type() === 'confirm' && !d.message().includes('<') && !/xss|alert/i.test(d.message())) void d.accept();
    else {
      problems.push(`dialog: ${d.type()} ${d.message()}`);
      void d.dismiss();
    }
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:')) offsite.push(u);
  });
  return { context, page, problems, offsite };
}

export async function signIn(page: Page, origin: string, token: string): Promise<void> {
  await page.goto(origin + '/');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/** axe-core in the page: no serious or critical violation. */
export async function axe(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(o: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const r = await w.axe.run({ resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${what}: ${JSON.stringify(bad)}`).toEqual([]);
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Visit, check accessibility, screenshot. */
export async function visit(w: Watched, url: string, name: string): Promise<void> {
  await w.page.goto(url);
  await axe(w.page, name);
  await shot(w.page, name);
}
