// `entente exercise reset` (docs/protocol.md §14.5): an exercise node is wiped of records, streams and
// consultations and keeps its trust and agreements; its partners keep exchanging with it without
// re-pairing (its streams restart as §6.6 says); a live node refuses and nothing changes.
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { agreement, dbDump, push, receivedAt } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode; // the node that resets
let b: TestNode; // its exercise partner
let live: TestNode;
let refs = 0;

beforeAll(async () => {
  [a, b, live] = await Promise.all([
    startTestNode('de-enf-01', { country: 'DE', exercise: true, sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', exercise: true, sync: { autoStart: false } }),
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01'), bToA: agreement('agreement-wide', 'de-enf-01') });
});
afterAll(stopAll);

async function publish(node: TestNode, alert = false): Promise<string> {
  const body = publishBody('denial-wa-sensitive', { originatorReference: `EX-RESET-${++refs}` });
  if (alert) body.record.alert = { level: 'FLASH', actionRequested: 'Detain shipment on arrival (exercise inject).' };
  const r = await node.op('POST', '/admin/v1/records', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function sync(): Promise<void> {
  await push(a, b);
  await push(b, a);
  await push(a, b);
}

async function verifiedAt(receiver: TestNode, origin: TestNode, id: string): Promise<void> {
  const detail = (await receiver.op('GET', `/admin/v1/records/${id}`)).body;
  expect(detail.current.origin).toBe('received');
  const { payload } = await compactVerify(detail.current.jws, await importJWK(origin.bundle.keys.keys[0]!, 'EdDSA'));
  expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ iss: origin.nodeId, kind: 'record' });
}

describe('exercise reset', () => {
  let before: { partners: any; agreement: any; stream: string; tokens: any };

  it('an exercise has run: records both ways, a FLASH alert acknowledged, a consultation', async () => {
    await sync(); // the first pushes learn each other's versions (the alert member is 1.1)
    const own = await publish(a);
    const flash = await publish(b, true);
    await sync();
    await verifiedAt(b, a, own);
    await verifiedAt(a, b, flash);
    const ack = await a.op('POST', '/admin/v1/alerts/ack', { id: flash, state: 'ACTIONED', desk: 'exercise desk' });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const r = example('consultation-request');
    const open = await a.op('POST', '/admin/v1/consultations', {
      partner: 'jp-lic-01',
      referencedDenials: [{ id: flash, version: 1 }],
      proposedTransaction: r.proposedTransaction,
      question: r.question,
    });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    await sync();
    expect((await a.op('GET', '/admin/v1/consultations')).body.items).toHaveLength(1);
    before = {
      partners: (await a.op('GET', '/admin/v1/partners')).body.items.map((p: any) => ({
        nodeId: p.nodeId,
        fingerprint: p.fingerprint,
      })),
      agreement: (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.agreement,
      stream: (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound.stream,
      tokens: (await a.op('GET', '/admin/v1/tokens')).body.items.map((t: any) => t.name),
    };
  });

  it('is refused without the node id typed again, and on a live node, changing nothing', async () => {
    const aBefore = dbDump(a);
    for (const body of [undefined, {}, { confirm: 'jp-lic-01' }]) {
      const r = await a.op('POST', '/admin/v1/exercise/reset', body);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const wrong = await cli(['exercise', 'reset', '--dir', a.dir, '--confirm', 'de-enf-02']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/confirm must be this node's id \(de-enf-01\)/);
    expect(dbDump(a)).toBe(aBefore);

    await publish(live);
    const liveBefore = dbDump(live);
    const refused = await live.op('POST', '/admin/v1/exercise/reset', { confirm: 'nl-lic-01' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: 'urn:entente:problem:not-exercise', status: 409 });
    expect(refused.body.detail).toMatch(/nl-lic-01 is a live node: only an exercise node can be reset/);
    const byCli = await cli(['exercise', 'reset', '--dir', live.dir, '--confirm', 'nl-lic-01']);
    expect(byCli.code).toBe(1);
    expect(byCli.stderr).toMatch(/live node/);
    expect(dbDump(live)).toBe(liveBefore);
    // the database itself refuses to delete a live node's records, whatever the code does
    expect(() => live.node.store.db.prepare('DELETE FROM record_versions').run()).toThrow(/immutable/);
  });

  it('needs the admin role', async () => {
    const t = await a.op('POST', '/admin/v1/tokens', { name: 'drill-analyst', role: 'analyst' });
    const r = await a.op('POST', '/admin/v1/exercise/reset', { confirm: 'de-enf-01' }, t.body.token);
    expect(r.status).toBe(403);
    expect((await a.op('GET', '/admin/v1/consultations')).body.items).toHaveLength(1);
  });

  it('wipes records, consultations and alerts, restarts the streams, keeps trust and agreements', async () => {
    const r = await cli(['exercise', 'reset', '--dir', a.dir, '--confirm', 'de-enf-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ nodeId: 'de-enf-01', streamsReset: ['jp-lic-01'] });
    expect(out.wiped).toMatchObject({ ownRecords: 1, receivedRecords: 1, consultations: 1, alertsReceived: 1 });
    expect((await a.op('GET', '/admin/v1/records?limit=10')).body.items).toEqual([]);
    expect((await a.op('GET', '/admin/v1/consultations')).body.items).toEqual([]);
    expect((await a.op('GET', '/admin/v1/alerts')).body.received).toEqual([]);
    const screened = await a.op('POST', '/admin/v1/screen', {
      parties: [{ name: example('denial-wa-sensitive').parties[0].party.names[0].value }],
    });
    expect(screened.status).toBe(200);
    expect(screened.body.results[0].hits.filter((h: any) => h.source.kind === 'record')).toEqual([]);
    // trust, agreements and tokens as they were; a new stream towards the partner
    const partners = (await a.op('GET', '/admin/v1/partners')).body.items;
    expect(partners.map((p: any) => ({ nodeId: p.nodeId, fingerprint: p.fingerprint }))).toEqual(before.partners);
    const view = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body;
    expect(view.agreement).toEqual(before.agreement);
    expect(view.sync.outbound.stream).not.toBe(before.stream);
    expect(view.sync.outbound.head).toBe(1);
    const tokens = (await a.op('GET', '/admin/v1/tokens')).body.items.map((t: any) => t.name);
    expect(tokens).toEqual([...before.tokens, 'drill-analyst'].sort());
  });

  it('the partners keep exchanging with it, without re-pairing', async () => {
    await sync();
    // B accepted the new stream at seq 1 (§6.6) and says so
    const atB = (await b.op('GET', '/admin/v1/partners/de-enf-01')).body.sync.inbound;
    expect((await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound).toMatchObject({
      lastReceiptUpTo: 1,
      blocked: null,
    });
    expect(atB.stream).toBe((await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound.stream);
    const fresh = await publish(a);
    const back = await publish(b);
    await sync();
    await verifiedAt(b, a, fresh);
    await verifiedAt(a, b, back);
    // what A received before the reset does not come back: B continued its stream where it was
    expect((await receivedAt(a, 'jp-lic-01')).map((x) => x.id)).toEqual([back]);
    const toB = (await b.op('GET', '/admin/v1/partners/de-enf-01')).body.sync.outbound;
    expect(toB.blocked).toBeNull();
    expect(toB.lastReceiptUpTo).toBe(toB.head);
    const alarms = (await b.op('GET', '/admin/v1/alarms?partner=de-enf-01')).body.items.map((x: any) => x.kind);
    expect(alarms).not.toContain('receiver-restored');
  });

  it('the audit chain verifies and holds the reset with its counts', async () => {
    const v = await cli(['audit', 'verify', '--dir', a.dir, '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).ok).toBe(true);
    const items = (await a.op('GET', '/admin/v1/audit?limit=1000')).body.items;
    const reset = items.filter((e: any) => e.action === 'exercise.reset');
    expect(reset).toHaveLength(1);
    expect(reset[0]).toMatchObject({
      actor: 'token:admin',
      subject: 'de-enf-01',
      details: { ownRecords: 1, receivedRecords: 1, consultations: 1, streamsReset: ['jp-lic-01'] },
    });
    expect(items.some((e: any) => e.action === 'stream.reset' && e.subject === 'jp-lic-01')).toBe(true);
  });
});
