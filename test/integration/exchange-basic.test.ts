// Exchange between real nodes: a published record reaches a partner by push and by pull, verified
// against the originator's key; the receipt acknowledges it; received records are read-only.
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement, pull, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01'), bToA: agreement('agreement-wide', 'nl-lic-01') });
});
afterAll(stopAll);

describe('push', () => {
  it('delivers a published denial, verified against the originator key, acknowledged by a receipt', async () => {
    const pub = await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    expect(pub.status).toBe(201);
    await push(a, b);
    const items = await receivedAt(b, 'nl-lic-01');
    expect(items.map((i) => i.id)).toEqual([pub.body.id]);
    const detail = (await b.op('GET', `/admin/v1/records/${pub.body.id}`)).body;
    expect(detail.current.origin).toBe('received');
    expect(detail.current.redacted).toEqual([]);
    expect(detail.current.agreement).toEqual({ reference: 'NL-JP-2025-01', version: 1 });
    const { payload, protectedHeader } = await compactVerify(
      detail.current.jws,
      await importJWK(a.bundle.keys.keys[0]!, 'EdDSA'),
    );
    expect(protectedHeader.typ).toBe('entente-release+jws');
    const release = JSON.parse(new TextDecoder().decode(payload));
    expect(release).toMatchObject({ iss: 'nl-lic-01', aud: 'jp-lic-01', kind: 'record', record: pub.body.record });
    const sync = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync;
    expect(sync.outbound.lastReceiptUpTo).toBe(sync.outbound.head);
    expect(sync.outbound.queued).toBe(0);
  });

  it('received records are read-only at the receiver', async () => {
    const [item] = await receivedAt(b, 'nl-lic-01');
    const r = await b.op('POST', `/admin/v1/records/${item!.id}/status`, { status: 'REVOKED', reason: 'not ours' });
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/read-only/);
  });

  it('delivers amendments and status changes in order', async () => {
    const pub = await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await a.op('PUT', `/admin/v1/records/${pub.body.id}`, {
      record: { ...pub.body.record, statedEndUse: 'Pump housings (amended)' },
    });
    await a.op('POST', `/admin/v1/records/${pub.body.id}/status`, {
      status: 'REVOKED',
      reason: 'Lifted after review.',
    });
    await push(a, b);
    const d = (await b.op('GET', `/admin/v1/records/${pub.body.id}`)).body;
    expect(d.history.map((h: { version: number }) => h.version)).toEqual([1, 2, 3]);
    expect(d.current.record.status).toBe('REVOKED');
  });
});

describe('pull', () => {
  it("B pulls A's feed, posts a receipt, and A records it", async () => {
    const pub = await b.op('POST', '/admin/v1/records', publishBody('finding-seizure'));
    expect(pub.status).toBe(201);
    const r = await pull(a, b);
    expect(r.items).toBeGreaterThan(0);
    expect((await receivedAt(a, 'jp-lic-01')).map((i) => i.id)).toContain(pub.body.id);
    const out = (await b.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.outbound;
    expect(out.lastReceiptUpTo).toBe(out.head);
    expect(out.lastPulledByPartnerAt).not.toBeNull();
    // nothing new: an empty page
    expect((await pull(a, b)).items).toBe(0);
  });
});
