// entente/1.1 delivery between real nodes (docs/protocol.md §14.2, §14.4): a FLASH alert ahead of a
// backlog, a link in backoff retrying at once for it, signed webhooks to a real HTTP receiver, and
// the CLI (publish --alert, alerts, alerts ack).
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/cli.js';
import { agreement, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

afterAll(stopAll);
let refs = 0;

function body(level: 'FLASH' | 'PRIORITY' | null, extra: Record<string, unknown> = {}) {
  const b = publishBody('finding-seizure', { originatorReference: `DELIVERY-${++refs}`, ...extra });
  if (level) b.record.alert = { level, actionRequested: 'Detain shipment on arrival.' };
  return b;
}

async function publish(node: TestNode, b: unknown): Promise<{ id: string }> {
  const r = await node.op('POST', '/admin/v1/records', b);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function seqAt(receiver: TestNode, origin: TestNode, id: string): Promise<number> {
  const detail = (await receiver.op('GET', `/admin/v1/records/${id}`)).body;
  const { payload } = await compactVerify(detail.current.jws, await importJWK(origin.bundle.keys.keys[0]!, 'EdDSA'));
  return JSON.parse(new TextDecoder().decode(payload)).seq;
}

async function pair(a: string, b: string, aOptions: Parameters<typeof startTestNode>[1] = {}) {
  const [x, y] = await Promise.all([
    startTestNode(a, { country: 'NL', sync: { autoStart: false }, ...aOptions }),
    startTestNode(b, { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(x, y, { aToB: agreement('agreement-wide', b), bToA: agreement('agreement-wide', a) });
  await push(x, y);
  await push(y, x);
  return [x, y] as const;
}

describe('order', () => {
  it('a FLASH version goes ahead of a backlog waiting beyond the window, PRIORITY right behind it', async () => {
    const [a, b] = await pair('nl-lic-01', 'jp-lic-01', {
      configure: (raw) => (raw.sync = { materialisationWindow: 5 }),
    });
    const routine: string[] = [];
    for (let i = 0; i < 20; i++) routine.push((await publish(a, body(null))).id);
    const before = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound;
    expect(before.notYetMaterialised).toBeGreaterThan(0);
    const flash = await publish(a, body('FLASH'));
    const priority = await publish(a, body('PRIORITY'));
    await push(a, b);
    const seq = async (id: string) => seqAt(b, a, id);
    const flashSeq = await seq(flash.id);
    const prioritySeq = await seq(priority.id);
    expect(prioritySeq).toBe(flashSeq + 1);
    // materialised before it: the releases within the window; after it: the rest of the backlog
    const routineSeqs = await Promise.all(routine.map(seq));
    const ahead = routineSeqs.filter((s) => s < flashSeq).length;
    expect(ahead).toBeLessThanOrEqual(5);
    expect(routineSeqs.filter((s) => s > prioritySeq).length).toBe(20 - ahead);
  });
});

describe('backoff', () => {
  it('a link waiting in backoff retries at once for a FLASH alert, and within a second until it is acknowledged', async () => {
    // A pushes by itself; a failed push waits 10 minutes (random 1 = the ceiling), ticks hourly
    const [a, b] = await pair('nl-lic-02', 'jp-lic-02', {
      sync: {
        autoStart: true,
        tickMs: 3_600_000,
        random: () => 1,
        backoff: { baseMs: 600_000, capMs: 600_000 },
        pushSpacingMs: 0,
      },
    });
    await b.stop();
    const routine = await publish(a, body(null));
    await vi.waitFor(
      async () => {
        const link = (await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync.link;
        expect(link.nextAttemptInMs).toBeGreaterThan(60_000);
      },
      { timeout: 20_000, interval: 100 },
    );
    // published while B is still down: the attempt it triggers fails, and the link keeps retrying
    // within a second (not in 10 minutes) while the FLASH release is unacknowledged
    const whileDown = await publish(a, body('FLASH'));
    await b.restart({ sync: { autoStart: false } });
    await vi.waitFor(async () => expect((await receivedAt(b, 'nl-lic-02')).map((i) => i.id)).toContain(whileDown.id), {
      timeout: 30_000,
      interval: 100,
    });
    // and once acknowledged, a FLASH release published into a backed-off link goes at once
    await b.stop();
    await publish(a, body(null));
    await vi.waitFor(
      async () =>
        expect((await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync.link.nextAttemptInMs).toBeGreaterThan(
          60_000,
        ),
      { timeout: 20_000, interval: 100 },
    );
    await b.restart({ sync: { autoStart: false } });
    const flash = await publish(a, body('FLASH'));
    await vi.waitFor(async () => expect((await receivedAt(b, 'nl-lic-02')).map((i) => i.id)).toContain(flash.id), {
      timeout: 30_000,
      interval: 100,
    });
    expect((await receivedAt(b, 'nl-lic-02')).map((i) => i.id)).toContain(routine.id);
  });
});

describe('webhooks', () => {
  let server: Server;
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('POSTs a signed body with the listed members only, retried after a 500, without holding up ingest', async () => {
    const hits: { headers: Record<string, unknown>; body: string; status: number }[] = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const status = hits.length === 0 ? 500 : 204;
        hits.push({ headers: req.headers, body: text, status });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/entente-hook`;
    const secret = 'webhook-secret-for-the-test-0123456789';
    const [a, b] = await Promise.all([
      startTestNode('nl-lic-03', { country: 'NL', sync: { autoStart: false } }),
      startTestNode('jp-lic-03', {
        country: 'JP',
        sync: { autoStart: false },
        configure: (raw) => (raw.notifications = { webhooks: [{ url, secret }] }),
      }),
    ]);
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-03') });
    await push(a, b);
    const canary = 'CANARY-WEBHOOK-7d31';
    const flash = await publish(a, body('FLASH', { summary: `Consignment detained at HAM. ${canary}` }));
    await push(a, b);
    // the record is committed at B whatever the webhook answers
    expect((await receivedAt(b, 'nl-lic-03')).map((i) => i.id)).toContain(flash.id);
    await vi.waitFor(() => expect(hits.map((h) => h.status)).toEqual([500, 204]), { timeout: 30_000, interval: 100 });
    const [first, second] = hits;
    expect(second!.body).toBe(first!.body);
    for (const h of hits) {
      const expected = `sha256=${createHmac('sha256', secret).update(h.body).digest('hex')}`;
      expect(h.headers['x-entente-signature']).toBe(expected);
      expect(h.headers['content-type']).toBe('application/json');
    }
    const sent = JSON.parse(second!.body);
    expect(Object.keys(sent).sort()).toEqual(
      ['actionRequested', 'id', 'kind', 'level', 'partner', 'receivedAt', 'version'].sort(),
    );
    expect(sent).toMatchObject({
      kind: 'alert',
      partner: 'nl-lic-03',
      id: flash.id,
      version: 1,
      level: 'FLASH',
      actionRequested: 'Detain shipment on arrival.',
    });
    expect(second!.body).not.toContain(canary);
    expect(second!.body).not.toContain('DEHAM');
  });
});

describe('CLI', () => {
  it('entente publish --alert FLASH --action, entente alerts, entente alerts ack', async () => {
    const [a, b] = await pair('nl-lic-04', 'jp-lic-04');
    const file = join(tempDir(), 'pub.json');
    writeFileSync(file, JSON.stringify(body(null)));
    const pub = await cli([
      'publish',
      '--dir',
      a.dir,
      file,
      '--alert',
      'FLASH',
      '--action',
      'Detain shipment on arrival.',
    ]);
    expect(pub.code, pub.stderr).toBe(0);
    const id = pub.stdout.trim();
    await push(a, b);
    const list = await cli(['alerts', '--dir', b.dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/unacknowledged: 1 FLASH, 0 PRIORITY/);
    expect(list.stdout).toContain(id);
    const ack = await cli(['alerts', 'ack', id, '--dir', b.dir, '--state', 'ACTIONED', '--note', 'Detained at NRT.']);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stderr).toMatch(/acknowledged .* v1 ACTIONED/);
    await push(b, a);
    const sent = await cli(['alerts', '--dir', a.dir]);
    expect(sent.stdout).toMatch(
      new RegExp(`FLASH ${id} v1\\s+jp-lic-04\\s+released\\s+\\S+\\s+\\S+\\s+\\S+\\s+ACTIONED`),
    );
    expect(sent.stdout).toContain('Detained at NRT.');
  });
});
