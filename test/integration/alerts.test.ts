// entente/1.1 across real nodes (docs/protocol.md §14): version negotiation, FLASH and PRIORITY
// alerts, acknowledgements, and a mixed alliance with a node in 1.0 mode, over real mTLS.
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode; // nl-lic-01: 1.1, originator
let b: TestNode; // jp-lic-01: 1.1, wide agreement from A
let c: TestNode; // de-enf-01: 1.0 mode, wide agreement from A
let d: TestNode; // fr-enf-01: 1.1, wide agreement with a 24 h embargo from A
let refs = 0;

beforeAll(async () => {
  [a, b, c, d] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
    startTestNode('de-enf-01', {
      country: 'DE',
      sync: { autoStart: false },
      configure: (raw) => (raw.protocol = { maxMinor: 0 }),
    }),
    startTestNode('fr-enf-01', { country: 'FR', sync: { autoStart: false } }),
  ]);
  const wide = agreement('agreement-wide', 'jp-lic-01');
  await link(a, b, { aToB: wide, bToA: agreement('agreement-wide', 'nl-lic-01') });
  await link(a, c, {
    aToB: agreement('agreement-wide', 'de-enf-01'),
    bToA: agreement('agreement-wide', 'nl-lic-01'),
  });
  await link(a, d, { aToB: agreement('agreement-wide', 'fr-enf-01', { share: { ...wide.share, embargoHours: 24 } }) });
  await link(b, c, { bToA: agreement('agreement-wide', 'jp-lic-01') });
  // the first pushes learn each partner's versions (GET /v1/node over the pinned link)
  await Promise.all([push(a, b), push(a, c), push(a, d), push(b, a), push(c, b), push(c, a), push(b, c)]);
});
afterAll(stopAll);

function alerting(level: 'FLASH' | 'PRIORITY' | null, name = 'finding-seizure', extra: Record<string, unknown> = {}) {
  const body = publishBody(name, { originatorReference: `ALERT-TEST-${++refs}`, ...extra });
  if (level) body.record.alert = { level, actionRequested: 'Detain shipment AWB 020-12345675 on arrival.' };
  return body;
}

async function publish(node: TestNode, body: unknown): Promise<{ id: string; version: number }> {
  const r = await node.op('POST', '/admin/v1/records', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function payloadAt(receiver: TestNode, origin: TestNode, id: string): Promise<Record<string, any>> {
  const detail = (await receiver.op('GET', `/admin/v1/records/${id}`)).body;
  const { payload } = await compactVerify(detail.current.jws, await importJWK(origin.bundle.keys.keys[0]!, 'EdDSA'));
  return JSON.parse(new TextDecoder().decode(payload));
}

async function sentRow(id: string, partner: string) {
  const sent = (await a.op('GET', '/admin/v1/alerts')).body.sent as any[];
  return sent.find((s) => s.id === id)!.partners.find((p: any) => p.partner === partner);
}

describe('version negotiation', () => {
  it('GET /v1/node lists the versions; a node in 1.0 mode answers as 1.0 did', async () => {
    const own = await a.clientTo(b).call('GET', '/v1/node');
    expect(own.json<any>().protocolVersions).toEqual(['1.0', '1.1']);
    const old = await a.clientTo(c).call('GET', '/v1/node');
    expect(old.json<any>()).not.toHaveProperty('protocolVersions');
    expect(old.json<any>().protocol).toBe('entente/1');
  });

  it('the sender learned each partner over the pinned link and shows it in sync status', async () => {
    const toB = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.protocol;
    expect(toB).toMatchObject({ versions: ['1.0', '1.1'], using: '1.1' });
    expect(Date.parse(toB.learnedAt)).not.toBeNaN();
    const toC = (await a.op('GET', '/admin/v1/partners/de-enf-01')).body.sync.protocol;
    expect(toC).toMatchObject({ versions: ['1.0'], using: '1.0' });
    // the 1.0 node speaks 1.0 to everyone, whatever it learned
    expect((await c.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.protocol.using).toBe('1.0');
  });
});

describe('FLASH between 1.1 nodes', () => {
  it('is materialised at publication, carries the alert, and comes back RECEIVED then ACTIONED', async () => {
    const before = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound.head;
    const r = await publish(a, alerting('FLASH'));
    // in the publication transaction, with no pusher running
    expect((await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound.head).toBe(before + 1);
    await push(a, b);
    const p = await payloadAt(b, a, r.id);
    expect(p.record.alert).toEqual({ level: 'FLASH', actionRequested: 'Detain shipment AWB 020-12345675 on arrival.' });
    const recv = (await b.op('GET', '/admin/v1/alerts')).body;
    const mine = recv.received.find((x: any) => x.id === r.id);
    expect(mine).toMatchObject({ partner: 'nl-lic-01', level: 'FLASH', open: true, receivedAck: 'sent' });
    expect(recv.unacknowledged.FLASH).toBeGreaterThanOrEqual(1);
    const alarms = (await b.op('GET', '/admin/v1/alarms?partner=nl-lic-01')).body.items;
    expect(alarms.some((x: any) => x.kind === 'alert' && x.detail.includes(r.id))).toBe(true);
    const metrics = (await b.op('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/entente_alerts_unacknowledged\{level="FLASH"\} [1-9]/);

    // RECEIVED travels on B's stream to A
    await push(b, a);
    let row = await sentRow(r.id, 'jp-lic-01');
    expect(row).toMatchObject({ status: 'released', protocol: '1.1', finalState: null });
    expect(row.releasedAt).not.toBeNull();
    expect(row.receiptAt).not.toBeNull();
    expect(row.receivedAt).not.toBeNull();

    const ack = await b.op('POST', '/admin/v1/alerts/ack', {
      id: r.id,
      state: 'ACTIONED',
      note: 'Shipment detained at NRT.',
      desk: 'customs liaison desk',
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ finalState: 'ACTIONED', open: false });
    const again = await b.op('POST', '/admin/v1/alerts/ack', { id: r.id, state: 'NO_ACTION' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    await push(b, a);
    row = await sentRow(r.id, 'jp-lic-01');
    expect(row).toMatchObject({
      finalState: 'ACTIONED',
      note: 'Shipment detained at NRT.',
      desk: 'customs liaison desk',
    });
    // the 1.0 partner got the version without the alert and sends nothing back
    expect(await sentRow(r.id, 'de-enf-01')).toMatchObject({ protocol: '1.0', receivedAt: null, finalState: null });
    // nothing quarantined anywhere on the way
    expect((await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.inbound.counts.rejected ?? 0).toBe(0);
    expect((await b.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.inbound.counts.rejected ?? 0).toBe(0);
  });

  it('a later version without alert ends the escalation: no longer open, no acknowledgement of it', async () => {
    const r = await publish(a, alerting('PRIORITY'));
    const current = (await a.op('GET', `/admin/v1/records/${r.id}`)).body.current.record;
    delete current.alert;
    const amended = await a.op('PUT', `/admin/v1/records/${r.id}`, { record: current });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    await push(a, b);
    const mine = (await b.op('GET', '/admin/v1/alerts')).body.received.find((x: any) => x.id === r.id);
    expect(mine).toMatchObject({ version: 1, open: false, finalState: null });
    const ack = await b.op('POST', '/admin/v1/alerts/ack', { id: r.id, state: 'NO_ACTION' });
    expect(ack.status).toBe(409);
    expect(ack.body.detail).toMatch(/ended by a later version/);
  });

  it('an acknowledgement for a version never held is refused at the receiver', async () => {
    const r = await b.op('POST', '/admin/v1/alerts/ack', {
      id: 'urn:entente:nl-lic-01:finding:00000000-0000-4000-8000-000000000000',
      state: 'ACTIONED',
    });
    expect(r.status).toBe(404);
  });

  it("an ack naming a version the originator never released to that partner is quarantined 'unknown-reference'", async () => {
    const own = await publish(a, alerting(null, 'denial-wa-sensitive'));
    const forged = `urn:entente:nl-lic-01:finding:11111111-1111-4111-8111-111111111111`;
    // B signs acks for versions A never released to it: v2 of a record at v1, and an id A never published
    b.node.store.tx(() => {
      b.node.services.outbound.appendAck('nl-lic-01', { ref: { id: own.id, version: 2 }, state: 'RECEIVED' });
      b.node.services.outbound.appendAck('nl-lic-01', { ref: { id: forged, version: 1 }, state: 'ACTIONED' });
    });
    await push(b, a);
    const counts = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.inbound.counts;
    expect(counts.rejected).toBe(2);
    const bSide = (await b.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.outbound;
    expect(bSide.quarantinedByPartner).toBe(2);
    const receipts = b.node.store.db.prepare('SELECT rejected FROM receipts_in ORDER BY row_id DESC LIMIT 1').get() as {
      rejected: string;
    };
    expect(JSON.parse(receipts.rejected).map((x: any) => x.reason)).toEqual(['unknown-reference', 'unknown-reference']);
  });
});

describe('a mixed alliance', () => {
  it('a 1.1 sender gives a 1.0 receiver the record without alert, in order, with nothing quarantined and no ack', async () => {
    const routine = await publish(a, alerting(null));
    const flash = await publish(a, alerting('FLASH'));
    await push(a, c);
    const p = await payloadAt(c, a, flash.id);
    // exactly the members of a 1.0 record release, and no alert in the record
    expect(Object.keys(p).sort()).toEqual(
      ['agreement', 'aud', 'iat', 'iss', 'kind', 'prev', 'record', 'redacted', 'seq', 'stream'].sort(),
    );
    expect(p.record).not.toHaveProperty('alert');
    expect(p.redacted).toEqual([]);
    const pr = await payloadAt(c, a, routine.id);
    expect(pr.seq).toBeLessThan(p.seq);
    const counts = (await c.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.inbound.counts;
    expect(counts.rejected ?? 0).toBe(0);
    // the 1.0 node has no alerts: nothing to acknowledge, and A never appended an ack towards it
    await push(c, a);
    const kinds = a.node.store.db
      .prepare("SELECT DISTINCT kind FROM releases WHERE partner = 'de-enf-01'")
      .all()
      .map((x: any) => x.kind);
    expect(kinds).not.toContain('ack');
    const kindsFromC = c.node.store.db
      .prepare('SELECT DISTINCT kind FROM releases')
      .all()
      .map((x: any) => x.kind);
    expect(kindsFromC).not.toContain('ack');
  });

  it('a 1.0 sender reaches a 1.1 receiver unchanged; the 1.0 node publishes no alert', async () => {
    const refused = await c.op('POST', '/admin/v1/records', alerting('FLASH'));
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: any) => e.pointer)).toContain('/record/alert');
    const r = await publish(c, alerting(null));
    await push(c, b);
    expect((await receivedAt(b, 'de-enf-01')).map((i) => i.id)).toContain(r.id);
    const counts = (await b.op('GET', '/admin/v1/partners/de-enf-01')).body.sync.inbound.counts;
    expect(counts.rejected ?? 0).toBe(0);
    expect((await b.op('GET', '/admin/v1/partners/de-enf-01')).body.sync.protocol.using).toBe('1.0');
  });
});

describe('embargo and order', () => {
  it('FLASH ignores the embargo, PRIORITY keeps it, and explain shows the alert with the same decision', async () => {
    const flash = await publish(a, alerting('FLASH'));
    const priority = await publish(a, alerting('PRIORITY'));
    const routine = await publish(a, alerting(null));
    await push(a, d);
    const ids = (await receivedAt(d, 'nl-lic-01')).map((i) => i.id);
    expect(ids).toContain(flash.id);
    expect(ids).not.toContain(priority.id);
    expect(ids).not.toContain(routine.id);
    const explain = async (id: string) => (await a.op('GET', `/admin/v1/partners/fr-enf-01/explain?record=${id}`)).body;
    const ef = await explain(flash.id);
    expect(ef).toMatchObject({ decision: 'release', alert: { level: 'FLASH' }, held: { version: 1 } });
    // the same decision, with the same reasons, as for the routine record: the alert changes timing only
    const er = await explain(routine.id);
    const ep = await explain(priority.id);
    const untimed = (reasons: string[]) => reasons.map((x) => x.replace(/until \S+/, 'until T'));
    expect(ep.decision).toBe(er.decision);
    expect(untimed(ep.reasons)).toEqual(untimed(er.reasons));
    expect(ep.reasons.at(-1)).toMatch(/^embargoed until/);
    expect(ep.alert).toMatchObject({ level: 'PRIORITY', effect: expect.stringMatching(/embargo kept/) });
    expect(er).not.toHaveProperty('alert');
    expect((await sentRow(priority.id, 'fr-enf-01')).status).toBe('pending');
  });

  it('an alert never widens an agreement: a TLP:RED FLASH goes nowhere, and explain says so', async () => {
    const body = alerting('FLASH');
    body.record.handling = { ...body.record.handling, tlp: 'RED' };
    const r = await publish(a, body);
    const e = (await a.op('GET', `/admin/v1/partners/jp-lic-01/explain?record=${r.id}`)).body;
    expect(e.decision).toBe('nothing');
    expect(e.alert.effect).toMatch(/never widens/);
    expect((await sentRow(r.id, 'jp-lic-01')).status).toBe('not-eligible');
  });
});
