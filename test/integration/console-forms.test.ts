// The console's forms over HTTP, against real nodes (issue 17): amend and the lifecycle actions
// publish new signed versions through the same service as the API; screening a pasted list, marking
// a false positive and linking two hits; adding a partner from an uploaded bundle, refused until the
// fingerprint typed back matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAloudFingerprint } from '../../node/src/exchange/bundle.js';
import { day } from '../helpers/dates.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { consoleSignIn } from '../helpers/console-session.js';

let n: TestNode;
let other: TestNode;
let url: string;
let s: { cookie: string; csrf: string };

const signIn = (token: string) => consoleSignIn(url, token);

async function post(
  path: string,
  fields: [string, string][],
): Promise<{ status: number; location: string; html: string }> {
  const r = await fetch(url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams([...fields, ['_csrf', s.csrf]]),
  });
  return { status: r.status, location: r.headers.get('location') ?? '', html: await r.text() };
}

/** The hidden and visible fields of the first form posting to `action` in a page, as the browser would send them. */
function formFields(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: [string, string][] = [];
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const a = m[1]!;
    const name = /name="([^"]+)"/.exec(a)?.[1];
    if (!name || name === '_csrf') continue;
    const type = /type="([^"]+)"/.exec(a)?.[1] ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(a)) continue;
    out.push([name, (type === 'checkbox' && !/value="/.test(a) ? 'on' : /value="([^"]*)"/.exec(a)?.[1]) ?? '']);
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    // an empty value renders as a bare `value` attribute, which a browser sends as ""
    const chosen = /<option value="([^"]*)" selected/.exec(m[2]!) ?? /<option value(?:="([^"]*)")?/.exec(m[2]!);
    out.push([m[1]!, chosen?.[1] ?? '']);
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out.push([m[1]!, m[2]!]);
  return out.map(([k, v]) => [
    k,
    v
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  ]);
}

beforeAll(async () => {
  [n, other] = await Promise.all([
    startTestNode('nl-lic-01', { sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  url = n.node.operatorUrl;
  s = await signIn(n.adminToken);
});
afterAll(stopAll);

describe('console forms', () => {
  let id = '';
  it('amends a record from its prefilled form, then renews and revokes it', async () => {
    const p = await n.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    id = p.body.id;
    const form = await (
      await fetch(`${url}/records/${encodeURIComponent(id)}/amend`, { headers: { cookie: s.cookie } })
    ).text();
    const fields = formFields(form, `/records/${encodeURIComponent(id)}/amend`).map(([k, v]): [string, string] =>
      k === 'items.0.description' ? [k, 'Radiation-hardened FPGA, amended description'] : [k, v],
    );
    const r = await post(`/records/${encodeURIComponent(id)}/amend`, fields);
    expect(r.status, r.html.slice(r.html.indexOf('error-summary'), r.html.indexOf('error-summary') + 800)).toBe(303);
    const v2 = (await n.op('GET', `/admin/v1/records/${encodeURIComponent(id)}`)).body;
    expect(v2.current.version).toBe(2);
    expect(v2.current.record.changeType).toBe('AMENDMENT');
    expect(v2.current.record.items[0].description).toBe('Radiation-hardened FPGA, amended description');
    expect(v2.current.record.parties).toEqual(v2.history[0].record.parties);
    const view = await (
      await fetch(`${url}/records/${encodeURIComponent(id)}`, { headers: { cookie: s.cookie } })
    ).text();
    expect(view).toContain('What changed from version 1');
    expect(view).toContain('/items/0/description');

    const renew = await post(`/records/${encodeURIComponent(id)}/status`, [
      ['kind', 'renew'],
      ['version', '2'],
      ['reviewDueOn', day(700)],
      ['reason', 'Review: concerns confirmed.'],
    ]);
    expect(renew.status).toBe(303);
    const stale = await post(`/records/${encodeURIComponent(id)}/status`, [
      ['kind', 'status'],
      ['version', '2'],
      ['status', 'REVOKED'],
      ['reason', 'x'],
    ]);
    expect(stale.status).toBe(400);
    expect(stale.html).toMatch(/stale/);
    const revoke = await post(`/records/${encodeURIComponent(id)}/status`, [
      ['kind', 'status'],
      ['version', '3'],
      ['status', 'REVOKED'],
      ['reason', 'End-user no longer of concern.'],
    ]);
    expect(revoke.status).toBe(303);
    const v4 = (await n.op('GET', `/admin/v1/records/${encodeURIComponent(id)}`)).body;
    expect(v4.history.map((h: { record: { changeType: string } }) => h.record.changeType)).toEqual([
      'NEW',
      'AMENDMENT',
      'RENEWAL',
      'STATUS_CHANGE',
    ]);
    const after = await (
      await fetch(`${url}/records/${encodeURIComponent(id)}`, { headers: { cookie: s.cookie } })
    ).text();
    expect(after).not.toContain('/amend"');
  });

  it('screens a pasted list, marks a false positive and links two hits as the same party', async () => {
    for (const ref of ['NL-2', 'NL-3'])
      await n.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { originatorReference: ref }));
    n.node.services.screening.indexPending();
    const name = publishBody('denial-wa-sensitive').record.parties[0].party.names[0].value as string;
    const r = await post('/screen', [
      ['mode', 'list'],
      ['list', `${name}; AE\nSomebody Else Entirely`],
      ['threshold', '0.7'],
    ]);
    expect(r.status).toBe(200);
    const targets = [...r.html.matchAll(/name="link" value="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(targets.length).toBeGreaterThanOrEqual(2);
    const d = await post('/screen/dismiss', [
      ['name', name],
      ['country', 'AE'],
      ['target', targets[0]!],
    ]);
    expect(d.html).toContain('Marked as a false positive');
    expect(d.html).toContain('marked false positive by token:admin');
    const l = await post('/screen/link', [
      ['name', name],
      ['link', targets[0]!],
      ['link', targets[1]!],
    ]);
    expect(l.html).toContain('Linked as the same party');
    const audit = (await n.op('GET', '/admin/v1/audit?limit=1000')).body.items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['screening.query', 'screening.false-positive', 'screening.link']));
  });

  it('adds a partner from an uploaded bundle only when the fingerprint typed back matches', async () => {
    const upload = new FormData();
    upload.set('_csrf', s.csrf);
    upload.set('bundleFile', new Blob([JSON.stringify(other.bundle)], { type: 'application/json' }), 'jp.bundle.json');
    const r = await fetch(url + '/partners/new', {
      method: 'POST',
      headers: { cookie: s.cookie, origin: url },
      body: upload,
    });
    const html = await r.text();
    expect(r.status).toBe(200);
    const grouped = other.fingerprint.match(/.{1,4}/g)!.join(' ');
    expect(html).toContain(grouped);
    const digits = readAloudFingerprint(other.fingerprint);
    expect(html).toContain(digits);
    const bundle = formFields(html, '/partners/confirm').find(([k]) => k === 'bundle')![1];
    const wrong = await post('/partners/confirm', [
      ['bundle', bundle],
      ['fingerprint', grouped.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))],
      ['share', 'trust'],
    ]);
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(/fingerprint does not match/);
    expect((await n.op('GET', '/admin/v1/partners')).body.items).toEqual([]);
    const ok = await post('/partners/confirm', [
      ['bundle', bundle],
      ['fingerprint', digits],
      ['share', 'shared'],
    ]);
    expect(ok.status).toBe(303);
    const page = await fetch(url + '/partners/jp-lic-01', { headers: { cookie: s.cookie } });
    expect(await page.text()).toContain(digits);
    expect(ok.location).toBe('/partners/jp-lic-01/agreement');
    expect((await n.op('GET', '/admin/v1/partners/jp-lic-01')).body.agreement).toBeNull();
    const noCsrf = new FormData();
    noCsrf.set('bundleText', JSON.stringify(other.bundle));
    expect(
      (await fetch(url + '/partners/new', { method: 'POST', headers: { cookie: s.cookie }, body: noCsrf })).status,
    ).toBe(403);
  });
  it('shows what the originator withheld as "withheld by the originator", at its place', async () => {
    // the partner registered above (trust only here) shares with this node, withholding three members
    const redact = ['/items/*/value', '/parties/[role=END_USER]', '/pointOfContact'];
    const ag = agreement('agreement-wide', n.nodeId);
    ag.share.denial.redact = redact;
    const reg = await other.op('PUT', `/admin/v1/partners/${n.nodeId}`, {
      bundle: n.bundle,
      fingerprint: n.fingerprint,
      agreement: ag,
    });
    expect(reg.status).toBe(201);
    const p = await other.op(
      'POST',
      '/admin/v1/records',
      publishBody('denial-wa-sensitive', { originatorReference: 'JP-R-1' }),
    );
    await push(other, n);
    const html = await (
      await fetch(`${url}/records/${encodeURIComponent(p.body.id)}`, { headers: { cookie: s.cookie } })
    ).text();
    expect(html).toContain('3 members were withheld by the originator');
    expect(html.match(/withheld by the originator<\/span>/g)?.length).toBe(3);
    expect(html).toMatch(/<strong>A party<\/strong> <span class="withheld">withheld by the originator/);
    expect(html).not.toContain('du-desk3@nl-lic.example');
    expect(html).toContain('TLP:AMBER');
    expect(html).toMatch(/No onward sharing/);
  });
});
