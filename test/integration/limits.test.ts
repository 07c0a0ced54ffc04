// Issue 5 §3: per-partner limits keyed on the authenticated partner; a flood from one partner does
// not starve another; body, encoding and depth limits before any work.
import { request as httpsRequest, Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { publishBody } from '../helpers/examples.js';
import { agreement, receivedAt } from '../helpers/exchange.js';

let a: TestNode;
let b: TestNode;
let c: TestNode;
beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startTestNode('nl-lic-01', {
      sync: { autoStart: false },
      configure: (cfg) =>
        (cfg.limits = { ratePerSecond: 20, burst: 40, concurrentPerPartner: 4, connectionsPerPartner: 6 }),
    }),
    startTestNode('jp-lic-01', { sync: { autoStart: false } }),
    startTestNode('de-enf-01', { sync: { autoStart: false } }),
  ]);
  await link(a, b);
  await link(a, c);
});
afterAll(stopAll);

function raw(
  from: TestNode,
  path: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: a.node.federationPort,
        path,
        method: opts.method ?? 'GET',
        ca: a.bundle.cas,
        servername: 'localhost',
        cert: from.secrets.tlsCertPem,
        key: from.secrets.tlsKeyPem,
        agent: opts.agent ?? false,
        headers: opts.headers ?? {},
      },
      (res) => {
        let body = '';
        res.on('data', (x) => (body += x));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', (e: Error & { code?: string }) => resolve({ error: e.code ?? e.message }));
    req.end(opts.body);
  });
}

describe('per-partner limits', () => {
  it('a flood from one partner gets 429 with Retry-After; another partner still gets through', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const flood = Promise.all(Array.from({ length: 120 }, () => raw(b, '/v1/feed?after=0&limit=1', { agent })));
    const other = Promise.all(Array.from({ length: 5 }, () => raw(c, '/v1/feed?after=0&limit=1')));
    const [fb, oc] = await Promise.all([flood, other]);
    const statuses = fb.map((r) => ('status' in r ? r.status : 0));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    const limited = fb.find((r) => 'status' in r && r.status === 429) as {
      headers: Record<string, unknown>;
      body: string;
    };
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(limited.body).type).toBe('urn:entente:problem:rate-limited');
    expect(oc.map((r) => ('status' in r ? r.status : 0))).toEqual([200, 200, 200, 200, 200]);
    agent.destroy();
  });

  it('caps open connections per partner', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    await new Promise((r) => setTimeout(r, 1100)); // let the bucket refill
    const results = await Promise.all(Array.from({ length: 12 }, () => raw(c, '/v1/node', { agent })));
    expect(results.filter((r) => 'error' in r).length).toBeGreaterThan(0);
    agent.destroy();
  });

  it('refuses bodies over maxBatchBytes (413), compressed bodies (415) and deep nesting (400), before any work', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const big = JSON.stringify({ items: ['x'.repeat(9 * 1024 * 1024)] });
    const r1 = await raw(b, '/v1/inbox', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) },
    });
    expect('status' in r1 && r1.status).toBe(413);
    const r2 = await raw(b, '/v1/inbox', {
      method: 'POST',
      body: '{"items":[]}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect('status' in r2 && r2.status).toBe(415);
    const deep = '{"items":[],"x":' + '['.repeat(200) + ']'.repeat(200) + '}';
    const r3 = await raw(b, '/v1/inbox', {
      method: 'POST',
      body: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect('status' in r3 && r3.status).toBe(400);
    const r4 = await raw(b, '/v1/inbox', {
      method: 'POST',
      body: '{"items":[]}',
      headers: { 'content-type': 'text/plain' },
    });
    expect('status' in r4 && r4.status).toBe(415);
    expect(a.node.store.db.prepare('SELECT count(*) AS n FROM inbound').get()).toEqual({ n: 0 });
  });
});

describe("the sender stays inside the partner's request budget", () => {
  it('publications 5 ms apart are coalesced into batches: every one arrives and the partner never answers 429', async () => {
    const [s, r] = await Promise.all([
      startTestNode('nl-lic-01'),
      startTestNode('jp-lic-01', {
        configure: (cfg) =>
          (cfg.limits = { ratePerSecond: 20, burst: 40, concurrentPerPartner: 4, connectionsPerPartner: 6 }),
      }),
    ]);
    await link(s, r, { aToB: agreement('agreement-wide', 'jp-lic-01') });
    await s.node.services.links.flush('jp-lic-01');
    const pushErrors = async () =>
      (await s.node.services.metrics.pushErrors.get()).values
        .filter((v) => v.labels.partner === 'jp-lic-01')
        .map((v) => `${v.labels.kind} ${v.value}`);
    const before = await pushErrors();
    const sent: string[] = [];
    for (let i = 0; i < 150; i++) {
      sent.push(
        s.node.services.records.publish(
          'denial',
          publishBody('denial-wa-sensitive', { originatorReference: `PACE-${i}` }).record,
          'test',
        ).id,
      );
      await new Promise((res) => setTimeout(res, 5));
    }
    let got: unknown[] = [];
    for (let i = 0; i < 200 && got.length < sent.length; i++) {
      await new Promise((res) => setTimeout(res, 50));
      got = await receivedAt(r, 'nl-lic-01');
    }
    expect(got.length).toBe(sent.length);
    expect(await pushErrors()).toEqual(before);
  });
});
