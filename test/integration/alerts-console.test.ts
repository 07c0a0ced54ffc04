// The console's alerts (docs/protocol.md §14.3–§14.4) over HTTP between two real nodes: the banner on
// every page while an alert is unacknowledged, the alerts page with the partner's text as text, the
// acknowledgement form (CSRF-checked), and the originator's table of partners.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { consoleSignIn } from '../helpers/console-session.js';

let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01'), bToA: agreement('agreement-wide', 'nl-lic-01') });
  await push(a, b);
  await push(b, a);
});
afterAll(stopAll);

interface Session {
  url: string;
  cookie: string;
  csrf: string;
}

async function signIn(n: TestNode): Promise<Session> {
  const url = n.node.operatorUrl;
  return { url, ...(await consoleSignIn(url, n.adminToken)) };
}

const page = async (s: Session, path: string) => (await fetch(s.url + path, { headers: { cookie: s.cookie } })).text();

describe('alerts in the console', () => {
  it('a banner on every page until acknowledged through the alerts page; the originator sees ACTIONED', async () => {
    const body = publishBody('finding-seizure', { originatorReference: 'CONSOLE-ALERT-1' });
    body.record.alert = { level: 'FLASH', actionRequested: 'Detain <b>now</b> \u202Eevil' };
    const pub = await a.op('POST', '/admin/v1/records', body);
    expect(pub.status).toBe(201);
    await push(a, b);
    const s = await signIn(b);
    for (const path of ['/', '/records', '/screen', '/alerts']) {
      expect(await page(s, path), path).toMatch(/id="alert-banner"[^>]*>1 FLASH alert from partners not acknowledged/);
    }
    const alertsPage = await page(s, '/alerts');
    // the partner's text is text: escaped, and isolated against bidi overrides
    expect(alertsPage).toContain('Detain &lt;b>now&lt;/b>');
    expect(alertsPage).not.toContain('<b>now</b>');
    expect(alertsPage).toMatch(/<bdi dir="auto">Detain/);
    // a form without the session's CSRF token is refused
    const forged = await fetch(s.url + '/alerts/ack', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: new URLSearchParams({ _csrf: 'x', id: pub.body.id, version: '1', state: 'ACTIONED' }),
    });
    expect(forged.status).toBe(403);
    const ok = await fetch(s.url + '/alerts/ack', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: new URLSearchParams({
        _csrf: s.csrf,
        id: pub.body.id,
        version: '1',
        state: 'ACTIONED',
        note: 'Detained at NRT.',
        desk: 'customs liaison desk',
      }),
    });
    expect(ok.status).toBe(303);
    expect(await page(s, '/')).not.toContain('id="alert-banner"');
    await push(b, a);
    const sa = await signIn(a);
    const sent = await page(sa, '/alerts');
    expect(sent).toMatch(/<th scope="row">jp-lic-01<\/th><td>released<\/td>/);
    expect(sent).toContain('ACTIONED');
    expect(sent).toContain('Detained at NRT.');
    // the partner page shows what the partner speaks and when it was learned
    expect(await page(sa, '/partners/jp-lic-01')).toMatch(/using 1\.1; speaks 1\.0, 1\.1, learned <time/);
  });
});
