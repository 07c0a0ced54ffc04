// Issue 5 §4: property-based and corpus fuzzing of the inbox, feed parameters, operator bodies and
// query strings. The node never crashes, never answers 5xx for bad input, stores nothing from a
// refused request, and no hostile string holds the event loop.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { agreement } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { expectedAt, jwsOver, releasePayload, signingKeyOf } from '../helpers/forge.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

const RUNS = Number(process.env.ENTENTE_FUZZ_RUNS ?? 150);
let a: TestNode;
let b: TestNode;
const generous = (c: Record<string, any>) =>
  (c.limits = { ratePerSecond: 10000, burst: 100000, concurrentPerPartner: 64, connectionsPerPartner: 64 });
beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { sync: { autoStart: false }, configure: generous }),
    startTestNode('jp-lic-01', { sync: { autoStart: false }, configure: generous }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await a.node.services.links.flush('jp-lic-01');
});
afterAll(stopAll);

const nasty = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    "'; DROP TABLE records; --",
    '\u0000',
    '\ud800',
    'x'.repeat(70000),
    '%00',
    '../../etc/passwd',
    '\u202e',
    'NaN',
    '1e309',
    '-0',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(nasty, tie('v'), { maxKeys: 4 }),
  ),
})).v;

function stored(n: TestNode): string {
  const db = n.node.store.db;
  return JSON.stringify([
    db.prepare('SELECT count(*) AS c FROM record_versions').get(),
    db.prepare('SELECT count(*) AS c FROM inbound').get(),
    db.prepare('SELECT count(*) AS c FROM partners').get(),
  ]);
}

describe('hostile input never crashes the node, never gets a 5xx, stores nothing', () => {
  it('inbox: random items, garbage JWS, hostile payloads signed with the real key', async () => {
    const key = signingKeyOf(a);
    const client = a.clientTo(b);
    const before = stored(b);
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(nasty, { maxLength: 5 }).map((items) => ({ items })),
          nastyJson.map((x) => ({ items: [x] })),
          nastyJson,
          nastyJson.map((p) => ({ items: [jwsOver(key, JSON.stringify(p) ?? 'null')] })),
          nastyJson.map((x) => ({
            items: [
              jwsOver(
                key,
                JSON.stringify({
                  ...releasePayload(a, b, expectedAt(b, 'nl-lic-01'), 'record', { record: x, redacted: [] }),
                }),
              ),
            ],
          })),
          fc.constant({ items: [jwsOver(key, '{"__proto__":{"polluted":true},"iss":"nl-lic-01"}')] }),
        ),
        async (body) => {
          cases++;
          const text = JSON.stringify(body) ?? 'null';
          const r = await client.call('POST', '/v1/inbox', text.length > 7_000_000 ? '{}' : text);
          expect(r.status, r.body.toString().slice(0, 200)).toBeLessThan(500);
          const empty =
            !!body &&
            typeof body === 'object' &&
            Array.isArray((body as { items?: unknown }).items) &&
            (body as { items: unknown[] }).items.length === 0 &&
            Object.keys(body).length === 1;
          if (!empty) expect(r.status).not.toBe(200);
        },
      ),
      { numRuns: RUNS },
    );
    await client.close();
    // a valid empty batch still works and nothing was stored
    expect(stored(b)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(cases).toBe(RUNS);
    void canonicalString;
  });

  it('feed parameters', async () => {
    const client = b.clientTo(a);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(nasty, nasty), { maxLength: 4 }), async (pairs) => {
        const q = new URLSearchParams(
          pairs.map(([k, v]) => [k.slice(0, 100), v.slice(0, 2000)] as [string, string]),
        ).toString();
        const r = await client.call('GET', `/v1/feed?${q}`);
        expect([200, 400]).toContain(r.status);
      }),
      { numRuns: RUNS },
    );
    await client.close();
  });

  it('operator bodies and query strings', async () => {
    const before = stored(a);
    await fc.assert(
      fc.asyncProperty(
        nastyJson,
        fc.constantFrom(
          '/admin/v1/records',
          '/admin/v1/tokens',
          '/admin/v1/partners/jp-lic-01/agreement',
          '/admin/v1/records/urn:entente:nl-lic-01:denial:00000000-0000-4000-8000-000000000000/status',
        ),
        async (body, path) => {
          const method = path.endsWith('agreement') ? 'PUT' : 'POST';
          const r = await a.op(method, path, JSON.stringify(body) ?? 'null');
          expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBeLessThan(500);
          if (path === '/admin/v1/records') expect(r.status).not.toBe(201);
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(nasty, nasty), { maxLength: 5 }), async (pairs) => {
        const q = new URLSearchParams(
          pairs.map(([k, v]) => [k.slice(0, 100), v.slice(0, 2000)] as [string, string]),
        ).toString();
        const r = await a.op('GET', `/admin/v1/records?${q}`);
        expect([200, 400]).toContain(r.status);
      }),
      { numRuns: RUNS },
    );
    // a record with hostile strings in free-text fields is stored faithfully, and searching for them is safe
    const hostile = "x'); DROP TABLE records; -- %_\\";
    const ok = await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { statedEndUse: hostile }));
    expect(ok.status).toBe(201);
    expect((await a.op('GET', `/admin/v1/records?q=${encodeURIComponent(hostile)}`)).body.items).toHaveLength(1);
    expect(stored(a)).not.toBe(before);
  });

  it("one string freezes nothing: the issue's 100 KB email in a partner's release and in a publication is answered at once, and /healthz meanwhile", async () => {
    const email = 'a@' + 'a.'.repeat(50_000) + '@';
    const timed = async <T>(p: Promise<T>) => {
      const t = performance.now();
      const r = await p;
      return { r, ms: performance.now() - t };
    };
    const record = {
      ...example('denial-nsg-withheld'),
      id: 'urn:entente:nl-lic-01:denial:5b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
      originatorNodeId: 'nl-lic-01',
      originatorCountry: 'NL',
      pointOfContact: { unit: 'Licensing', email },
    };
    const payload = releasePayload(a, b, expectedAt(b, 'nl-lic-01'), 'record', { record, redacted: [] });
    const client = a.clientTo(b);
    const inbox = timed(
      client.call('POST', '/v1/inbox', { items: [jwsOver(signingKeyOf(a), canonicalString(payload))] }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const health = await timed(fetch(b.node.operatorUrl + '/healthz'));
    const { r, ms } = await inbox;
    await client.close();
    expect(r.status).toBe(200);
    const receipt = JSON.parse(
      Buffer.from(r.json<{ receipt: string }>().receipt.split('.')[1]!, 'base64url').toString(),
    );
    expect(receipt.rejected).toEqual([{ seq: payload.seq, reason: 'schema:/pointOfContact/email' }]);
    expect(ms).toBeLessThan(2000);
    expect(health.r.status).toBe(200);
    expect(health.ms).toBeLessThan(2000);
    const pub = await timed(
      a.op(
        'POST',
        '/admin/v1/records',
        publishBody('denial-wa-sensitive', { pointOfContact: { unit: 'Licensing', email } }),
      ),
    );
    expect(pub.r.status).toBe(400);
    expect(pub.r.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/record/pointOfContact/email']);
    expect(pub.ms).toBeLessThan(2000);
  });
});

// The regular expressions of the schemas are checked on adversarial inputs by
// test/unit/schema-patterns.test.ts (every pattern, through the registry the node uses).
