// Who may read the exports, and what never leaves in them: a token without rights gets 401 or 403;
// a TLP above a token's allowance is never served, checked by a canary scan over every response of
// the TAXII server (every resource, filter and page) and of the CSV exports (record search pages,
// party and application screening).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordObjectId, reportId } from '../../node/src/interop/stix-mapping.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { basic } from '../helpers/taxii.js';

let a: TestNode;
let b: TestNode;
const tokens: Record<string, string> = {};
/** Strings that occur only in versions above AMBER. */
const CANARIES = [
  'CANARY-STRICT-A',
  'Canarystrict',
  'CANARY-STRICT-B',
  'Kanarienvogel',
  'CANARY-RED-B',
  'Redcanary',
  'Upgraded Canary',
];
const canaryIds: string[] = [];

function party(role: string, name: string): Record<string, unknown> {
  return {
    role,
    party: {
      kind: 'COMPANY',
      names: [{ value: name, type: 'PRIMARY' }],
      addresses: [{ city: 'Dubai', country: 'AE' }],
    },
  };
}

async function publish(
  n: TestNode,
  name: string,
  overrides: Record<string, unknown>,
): Promise<{ id: string; record: Record<string, any> }> {
  const r = await n.op('POST', '/admin/v1/records', publishBody(name, overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

function withTlp(name: string, tlp: string): Record<string, unknown> {
  return { ...publishBody(name).record.handling, tlp };
}

async function token(name: string, role: string, exports?: Record<string, unknown>): Promise<void> {
  const t = await b.op('POST', '/admin/v1/tokens', { name, role });
  expect(t.status).toBe(201);
  tokens[name] = t.body.token;
  if (exports) expect((await b.op('PUT', `/admin/v1/tokens/${name}/exports`, exports)).status).toBe(200);
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01'), bToA: agreement('agreement-wide', 'nl-lic-01') });
  const strictA = await publish(a, 'finding-network', {
    originatorReference: 'CANARY-STRICT-A',
    parties: [party('FRONT_COMPANY', 'Canarystrict Holdings'), party('PURCHASER', 'Plain Buyer LLC')],
  });
  await publish(a, 'denial-wa-sensitive', {});
  await push(a, b);
  const strictB = await publish(b, 'denial-catch-all', {
    originatorReference: 'CANARY-STRICT-B',
    handling: withTlp('denial-catch-all', 'AMBER+STRICT'),
    parties: [party('CONSIGNEE', 'Kanarienvogel Trading FZE')],
  });
  const redB = await publish(b, 'denial-nsg-withheld', {
    originatorReference: 'CANARY-RED-B',
    handling: withTlp('denial-nsg-withheld', 'RED'),
    parties: [party('END_USER', 'Redcanary Industries')],
  });
  const upgraded = await publish(b, 'denial-wa-sensitive', { originatorReference: 'JP-UPGRADED-1' });
  const v2 = {
    ...upgraded.record,
    handling: { ...upgraded.record.handling, tlp: 'AMBER+STRICT' },
    parties: [...upgraded.record.parties, party('BROKER', 'Upgraded Canary Ltd')],
  };
  expect((await b.op('PUT', `/admin/v1/records/${upgraded.id}`, { record: v2 })).status).toBe(200);
  await publish(b, 'finding-penalty-clear', {});
  for (const [type, id] of [
    ['finding', strictA.id],
    ['denial', strictB.id],
    ['denial', redB.id],
  ] as const) {
    canaryIds.push(recordObjectId(type, id), reportId(id));
  }
  await token('feed', 'consumer', { collections: ['own', 'from-nl-lic-01'] });
  await token('desk', 'analyst', { collections: ['own'] });
  await token('wide', 'consumer', { collections: ['own', 'from-nl-lic-01'], maxTlp: 'RED' });
  await token('wide-desk', 'analyst', { maxTlp: 'RED' });
  await token('none', 'consumer');
  await token('gone', 'consumer', { collections: ['own'] });
  expect((await b.op('DELETE', '/admin/v1/tokens/gone')).status).toBe(204);
});
afterAll(stopAll);

interface Got {
  url: string;
  status: number;
  text: string;
}

async function get(url: string, headers: Record<string, string>, init: RequestInit = {}): Promise<Got> {
  const res = await fetch(b.node.operatorUrl + url, {
    ...init,
    headers: { ...headers, ...(init.headers as Record<string, string>) },
  });
  const pairs: [string, string][] = [];
  res.headers.forEach((v, k) => pairs.push([k, v]));
  const head = pairs.map(([k, v]) => `${k}: ${v}`).join('\n');
  return { url, status: res.status, text: `${head}\n\n${await res.text()}` };
}

/** Every TAXII response a token can get: each resource, each filter, each page, each object. */
async function taxiiResponses(user: string): Promise<Got[]> {
  const h = basic(user, tokens[user]!);
  const out: Got[] = [];
  const keep = async (url: string) => {
    const g = await get(url, h);
    out.push(g);
    return g;
  };
  for (const u of ['/taxii2/', '/taxii2/api/', '/taxii2/api/collections/']) await keep(u);
  const collections = JSON.parse((await get('/taxii2/api/collections/', h)).text.split('\n\n')[1]!).collections as {
    id: string;
  }[];
  for (const c of collections) {
    const base = `/taxii2/api/collections/${c.id}/`;
    await keep(base);
    const filters = [
      '',
      'match[version]=all',
      'match[version]=first',
      'match[version]=last,first',
      'added_after=2000-01-01T00:00:00Z',
      'match[type]=entente-denial,entente-finding,identity,report,location,relationship,marking-definition',
      `match[id]=${canaryIds.join(',')}`,
    ];
    const ids = new Set<string>(canaryIds);
    for (const f of filters) {
      for (const kind of ['objects', 'manifest']) {
        let next: string | undefined;
        do {
          const g = await keep(`${base}${kind}/?limit=5&${f}${next ? `&next=${next}` : ''}`);
          const body = JSON.parse(g.text.split('\n\n')[1]!);
          for (const o of body.objects ?? []) ids.add(o.id);
          next = body.more ? body.next : undefined;
        } while (next);
      }
    }
    for (const id of ids) {
      await keep(`${base}objects/${id}/`);
      await keep(`${base}objects/${id}/?match[version]=all`);
      await keep(`${base}objects/${id}/versions/`);
    }
  }
  return out;
}

/** Every CSV response a token can get: record search pages (all and by canary text), screening. */
async function csvResponses(user: string): Promise<Got[]> {
  const h = { authorization: `Bearer ${tokens[user]!}`, accept: 'text/csv' };
  const out: Got[] = [];
  for (const q of ['', ...CANARIES.map((c) => `q=${encodeURIComponent(c)}`)]) {
    let url: string | undefined = `/admin/v1/records?limit=2&${q}`;
    while (url) {
      const g = await get(url, h);
      out.push(g);
      url = /<([^>]+)>; rel="next"/.exec(g.text)?.[1];
    }
  }
  const json = { ...h, 'content-type': 'application/json' };
  const names = [
    'Canarystrict Holdings',
    'Kanarienvogel Trading FZE',
    'Redcanary Industries',
    'Upgraded Canary Ltd',
    'Harbourline Trading FZE',
  ];
  out.push(
    await get('/admin/v1/screen', json, {
      method: 'POST',
      body: JSON.stringify({ parties: names.map((name) => ({ name })), threshold: 0.5 }),
    }),
  );
  const application = {
    destinationCountry: 'AE',
    items: publishBody('denial-catch-all').record.items,
    parties: names.map((n) => party('CONSIGNEE', n)),
  };
  out.push(
    await get('/admin/v1/screen', json, { method: 'POST', body: JSON.stringify({ application, threshold: 0.5 }) }),
  );
  return out;
}

function leaks(responses: Got[]): string[] {
  return responses.flatMap((r) =>
    CANARIES.filter((c) => r.text.toLowerCase().includes(c.toLowerCase())).map((c) => `${r.url}: ${c}`),
  );
}

describe("a TLP above a token's allowance is never served (canary scan)", () => {
  it('TAXII: no response to a token with the default allowance (AMBER) carries a canary', async () => {
    for (const user of ['feed', 'desk']) {
      const responses = await taxiiResponses(user);
      expect(responses.length).toBeGreaterThan(50);
      expect(responses.filter((r) => r.status >= 500)).toEqual([]);
      expect(leaks(responses)).toEqual([]);
    }
  });

  it('CSV: no record page or screening result for an AMBER token carries a canary; withheld rows counted', async () => {
    const responses = await csvResponses('desk');
    expect(responses.every((r) => r.status === 200 && r.text.includes('content-type: text/csv'))).toBe(true);
    expect(leaks(responses)).toEqual([]);
    expect(responses.some((r) => /x-entente-withheld: [1-9]/.test(r.text))).toBe(true);
  });

  it('the canaries are there for a token allowed RED (the scan looks where they would be)', async () => {
    const taxii = await taxiiResponses('wide');
    const csv = await csvResponses('wide-desk');
    for (const c of CANARIES) {
      expect(
        taxii.some((r) => r.text.includes(c)),
        `TAXII ${c}`,
      ).toBe(true);
      expect(
        csv.some((r) => r.text.toLowerCase().includes(c.toLowerCase())),
        `CSV ${c}`,
      ).toBe(true);
    }
  });
});

describe('a token without rights gets 401 or 403', () => {
  const taxii = '/taxii2/api/collections/';
  it('no credentials, a wrong token, another name, a revoked token, another scheme: 401 asking for Basic', async () => {
    const cases: Record<string, string>[] = [
      {},
      basic('feed', 'ent_wrong'),
      basic('desk', tokens.feed!),
      basic('gone', tokens.gone!),
      { authorization: `Token ${tokens.feed!}` },
      { authorization: 'Basic !!!' },
    ];
    for (const h of cases) {
      const r = await fetch(b.node.operatorUrl + taxii, { headers: h });
      expect(r.status, JSON.stringify(h)).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(r.headers.get('content-type')).toBe('application/taxii+json;version=2.1');
      expect(((await r.json()) as { http_status: string }).http_status).toBe('401');
    }
  });

  it('a token with no collection exposed to it: 403 everywhere under /taxii2/', async () => {
    for (const u of ['/taxii2/', '/taxii2/api/', taxii, `${taxii}own/objects/`]) {
      expect((await fetch(b.node.operatorUrl + u, { headers: basic('none', tokens.none!) })).status, u).toBe(403);
    }
  });

  it('a consumer token reads no operator API (CSV included) and no token changes its own exports', async () => {
    const h = { authorization: `Bearer ${tokens.feed!}` };
    expect((await b.op('GET', '/admin/v1/records', undefined, tokens.feed, { accept: 'text/csv' })).status).toBe(403);
    expect((await b.op('GET', '/admin/v1/partners', undefined, tokens.feed)).status).toBe(403);
    expect((await b.op('PUT', '/admin/v1/tokens/feed/exports', { maxTlp: 'RED' }, tokens.feed)).status).toBe(403);
    expect((await b.op('PUT', '/admin/v1/tokens/desk/exports', { maxTlp: 'RED' }, tokens.desk)).status).toBe(403);
    expect((await fetch(`${b.node.operatorUrl}/taxii2/`, { headers: h })).status).toBe(200);
  });

  it('a collection not exposed is not found; writes are refused; other media types are not acceptable', async () => {
    const h = basic('desk', tokens.desk!);
    expect((await fetch(`${b.node.operatorUrl}${taxii}from-nl-lic-01/objects/`, { headers: h })).status).toBe(404);
    const post = await fetch(`${b.node.operatorUrl}${taxii}own/objects/`, {
      method: 'POST',
      headers: { ...h, 'content-type': 'application/taxii+json;version=2.1' },
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(
      (await fetch(`${b.node.operatorUrl}${taxii}`, { headers: { ...h, accept: 'application/xml' } })).status,
    ).toBe(406);
    expect(
      (
        await fetch(`${b.node.operatorUrl}${taxii}`, {
          headers: { ...h, accept: 'application/taxii+json;version=2.0' },
        })
      ).status,
    ).toBe(406);
  });
});
