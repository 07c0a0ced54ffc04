// Brief §5 across three real nodes: what each partner receives, what it must not, and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../node/src/core/clock.js';
import { agreement, dbDump, pull, push, receivedAt } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

const HOUR = 3_600_000;
let a: TestNode; // nl-lic-01: publishes
let b: TestNode; // jp-lic-01: wide agreement
let c: TestNode; // de-enf-01: TLP:GREEN, redacting, 24 h embargo
const clock = fixedClock(Date.now()); // shared: the receivers refuse an iat ahead of their own clock

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', clock, sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', clock, sync: { autoStart: false } }),
    startTestNode('de-enf-01', { country: 'DE', clock, sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await link(a, c, { aToB: agreement('agreement-redacting', 'de-enf-01') });
  await Promise.all([push(a, b), push(a, c)]);
});
afterAll(stopAll);

async function deliver(): Promise<void> {
  a.node.services.links.tick();
  await push(a, b);
  await push(a, c);
}

async function publish(name: string, overrides: Record<string, unknown> = {}) {
  const r = await a.op('POST', '/admin/v1/records', publishBody(name, overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; record: Record<string, any> };
}

async function explain(partner: string, id: string) {
  return (await a.op('GET', `/admin/v1/partners/${partner}/explain?record=${id}`)).body;
}

describe('eligibility', () => {
  it('a record eligible for B only reaches B, not C: by push, pull or search', async () => {
    const canary = 'CANARY-AMBER-5c1e';
    const r = await publish('denial-wa-sensitive', {
      reasonNarrative: `End-user supplies a military programme. ${canary}`,
    });
    await deliver();
    await pull(c, a);
    expect((await receivedAt(b, 'nl-lic-01')).map((i) => i.id)).toContain(r.id);
    expect((await receivedAt(c, 'nl-lic-01')).map((i) => i.id)).not.toContain(r.id);
    expect((await c.op('GET', `/admin/v1/records?q=${canary}`)).body.items).toEqual([]);
    expect(dbDump(c)).not.toContain(canary);
    expect(dbDump(c)).not.toContain(r.id);
    const e = await explain('de-enf-01', r.id);
    expect(e.decision).toBe('nothing');
    expect(e.reasons.at(-1)).toMatch(/step 3: TLP:AMBER exceeds maxTlp GREEN/);
    expect((await explain('jp-lic-01', r.id)).decision).toBe('release');
  });

  it('redacted fields are absent at C and listed in `redacted`, after the 24 h embargo', async () => {
    const canary = 'CANARY-EXPORTER-91ab';
    const base = example('denial-suspension');
    base.parties[2].party.names[0].value = `Veluwe Photonics ${canary} B.V.`;
    base.items[0].value.amount = '412599.99';
    const r = await publish('denial-suspension', { parties: base.parties, items: base.items });
    await deliver();
    expect((await receivedAt(c, 'nl-lic-01')).map((i) => i.id)).not.toContain(r.id);
    expect((await explain('de-enf-01', r.id)).notBefore).toBeDefined();
    clock.advance(25 * HOUR);
    await deliver();
    const d = (await c.op('GET', `/admin/v1/records/${r.id}`)).body;
    expect(d.current.redacted).toEqual(['/items/0/value', '/parties/2', '/pointOfContact']);
    expect(d.current.record.parties.map((p: { role: string }) => p.role)).toEqual(['CONSIGNEE', 'END_USER']);
    expect(d.current.record.items[0].value).toBeUndefined();
    expect(d.current.record.pointOfContact).toBeUndefined();
    expect(dbDump(c)).not.toContain(canary);
    expect(dbDump(c)).not.toContain('412599.99');
    // B (wide) got everything at once
    const atB = (await b.op('GET', `/admin/v1/records/${r.id}`)).body;
    expect(atB.current.record.parties[2].party.names[0].value).toContain(canary);
  });
});

describe('embargo (docs/records.md §10)', () => {
  it('later versions wait with it; only the then-current version goes; nothing if it is then terminal', async () => {
    const x = await publish('denial-suspension', { originatorReference: 'EMB-X' });
    await a.op('PUT', `/admin/v1/records/${x.id}`, {
      record: { ...x.record, statedEndUse: 'Perimeter surveillance (amended)' },
    });
    const y = await publish('denial-suspension', { originatorReference: 'EMB-Y' });
    await a.op('POST', `/admin/v1/records/${y.id}/status`, { status: 'WITHDRAWN', reason: 'Issued in error.' });
    await deliver();
    expect((await receivedAt(c, 'nl-lic-01')).map((i) => i.record.originatorReference)).not.toContain('EMB-X');
    clock.advance(25 * HOUR);
    await deliver();
    const dx = (await c.op('GET', `/admin/v1/records/${x.id}`)).body;
    expect(dx.history.map((h: { version: number }) => h.version)).toEqual([2]);
    expect((await c.op('GET', `/admin/v1/records/${y.id}`)).status).toBe(404);
    // after the first release nothing is embargoed
    await a.op('PUT', `/admin/v1/records/${x.id}`, { record: { ...dx.current.record, statedEndUse: 'Third version' } });
    await deliver();
    expect((await c.op('GET', `/admin/v1/records/${x.id}`)).body.current.version).toBe(3);
  });
});

describe('narrowing, revocation and recall', () => {
  it('a revocation reaches every partner that held the record, even if filters no longer match', async () => {
    const r = await publish('denial-nsg-withheld', { originatorReference: 'REV-1', destinationCountry: 'AE' });
    await deliver();
    expect((await b.op('GET', `/admin/v1/records/${r.id}`)).status).toBe(200);
    const narrowed = agreement('agreement-wide', 'jp-lic-01', {
      share: {
        denial: { maxTlp: 'AMBER+STRICT', destinations: { exclude: ['AE'] } },
        finding: { maxTlp: 'AMBER+STRICT' },
        embargoHours: 0,
        backfill: true,
      },
    });
    expect((await a.op('PUT', '/admin/v1/partners/jp-lic-01/agreement', narrowed)).body.changed).toBe(true);
    await a.op('POST', `/admin/v1/records/${r.id}/status`, { status: 'REVOKED', reason: 'Lifted after review.' });
    await deliver();
    const d = (await b.op('GET', `/admin/v1/records/${r.id}`)).body;
    expect(d.current.record.status).toBe('REVOKED');
    expect((await explain('jp-lic-01', r.id)).reasons).toContain(
      'steps 4–6 skipped: a terminal version reaches every holder',
    );
  });

  it('after narrowing, the next version of a held record arrives as a recall tombstone', async () => {
    // B's agreement now excludes AE (previous test); this record was held before (destination MY)
    const r = await publish('denial-nsg-withheld', { originatorReference: 'RECALL-1' });
    await deliver();
    expect((await b.op('GET', `/admin/v1/records/${r.id}`)).body.labels).toEqual([]);
    await a.op('PUT', `/admin/v1/records/${r.id}`, { record: { ...r.record, destinationCountry: 'AE' } });
    await deliver();
    const d = (await b.op('GET', `/admin/v1/records/${r.id}`)).body;
    expect(d.current.version).toBe(1);
    expect(d.recalled).toBe(true);
    expect(d.labels).toContain('recalled');
    const tomb = b.node.store.db
      .prepare("SELECT kind FROM inbound WHERE partner = 'nl-lic-01' ORDER BY seq DESC LIMIT 1")
      .get();
    expect(tomb).toEqual({ kind: 'tombstone' });
    const e = await explain('jp-lic-01', r.id);
    expect(e.held).toEqual({ version: 1, recalled: true });
    expect(e.reasons.at(-1)).toMatch(/step 5: destination AE is excluded/);
  });

  it('a revocation for a holder whose agreement no longer shares the type is a tombstone', async () => {
    const r = await publish('denial-nsg-withheld', { originatorReference: 'REV-2' });
    await deliver();
    await a.op(
      'PUT',
      '/admin/v1/partners/jp-lic-01/agreement',
      agreement('agreement-wide', 'jp-lic-01', {
        share: { finding: { maxTlp: 'AMBER+STRICT' }, embargoHours: 0, backfill: true },
      }),
    );
    await a.op('POST', `/admin/v1/records/${r.id}/status`, { status: 'REVOKED', reason: 'Lifted.' });
    await deliver();
    const d = (await b.op('GET', `/admin/v1/records/${r.id}`)).body;
    expect(d.recalled).toBe(true);
    expect(d.current.record.status).toBe('ACTIVE');
    await a.op('PUT', '/admin/v1/partners/jp-lic-01/agreement', agreement('agreement-wide', 'jp-lic-01'));
    await deliver();
  });
});

describe('backfill', () => {
  it('widening an agreement sends, after the statement, the current version of every newly eligible record', async () => {
    // C does not receive findings yet? agreement-redacting shares GREEN findings: publish an AMBER finding
    const f = await publish('finding-seizure', { originatorReference: 'BF-1' });
    await a.op('PUT', `/admin/v1/records/${f.id}`, { record: { ...f.record, summary: f.record.summary + ' Update.' } });
    await deliver();
    expect((await c.op('GET', `/admin/v1/records/${f.id}`)).status).toBe(404);
    const wider = agreement('agreement-redacting', 'de-enf-01');
    wider.share.finding.maxTlp = 'AMBER';
    await a.op('PUT', '/admin/v1/partners/de-enf-01/agreement', wider);
    await deliver();
    // C's agreement embargoes first releases for 24 h: backfilled records wait too
    expect((await c.op('GET', `/admin/v1/records/${f.id}`)).status).toBe(404);
    expect((await explain('de-enf-01', f.id)).notBefore).toBeDefined();
    const kinds = (
      c.node.store.db
        .prepare("SELECT kind FROM inbound WHERE partner = 'nl-lic-01' ORDER BY seq DESC LIMIT 1")
        .all() as { kind: string }[]
    ).map((x) => x.kind);
    expect(kinds).toEqual(['statement']);
    clock.advance(25 * HOUR);
    await deliver();
    const d = (await c.op('GET', `/admin/v1/records/${f.id}`)).body;
    expect(d.history.map((h: { version: number }) => h.version)).toEqual([2]);
    expect(d.current.redacted).toEqual(['/items/0/value']);
    const st = JSON.parse(c.node.store.exchange.latestStatementIn('nl-lic-01')!.agreement!);
    expect(st).toMatchObject({ version: 2, share: { finding: { maxTlp: 'AMBER' } } });
  });

  it('a backfill passes over the records the partner already holds in one materialisation, however many', async () => {
    // found by the crash harness: each chunk of held records used to cost the pusher a tick
    for (let i = 0; i < 450; i++) await publish('denial-wa-sensitive', { originatorReference: `BF-HELD-${i}` });
    await deliver();
    const narrow = agreement('agreement-wide', 'jp-lic-01', {
      share: { denial: { maxTlp: 'AMBER' }, finding: { maxTlp: 'AMBER+STRICT' }, embargoHours: 0, backfill: true },
    });
    expect((await a.op('PUT', '/admin/v1/partners/jp-lic-01/agreement', narrow)).status).toBe(200);
    const withheld = [
      await publish('denial-nsg-withheld', { originatorReference: 'BF-W-1' }),
      await publish('denial-nsg-withheld', { originatorReference: 'BF-W-2' }),
    ];
    await deliver();
    for (const w of withheld) expect((await b.op('GET', `/admin/v1/records/${w.id}`)).status).toBe(404);
    expect(
      (await a.op('PUT', '/admin/v1/partners/jp-lic-01/agreement', agreement('agreement-wide', 'jp-lic-01'))).status,
    ).toBe(200);
    const released = () =>
      (
        a.node.store.db
          .prepare(`SELECT count(*) AS n FROM releases WHERE partner = 'jp-lic-01' AND record_id IN (?, ?)`)
          .get(withheld[0]!.id, withheld[1]!.id) as { n: number }
      ).n;
    expect(released()).toBe(0);
    a.node.services.outbound.materialise('jp-lic-01');
    expect(released()).toBe(2);
    await push(a, b);
    for (const w of withheld) expect((await b.op('GET', `/admin/v1/records/${w.id}`)).status).toBe(200);
  });

  it('with backfill false, widening sends nothing that was published before', async () => {
    const f = await publish('finding-vessel-detention', {
      originatorReference: 'BF-2',
      handling: {
        tlp: 'AMBER+STRICT',
        originatorControl: {
          noOnwardSharing: true,
          noEvidentialUseWithoutConsent: true,
          noDowngradeWithoutConsent: true,
        },
      },
    });
    await deliver();
    const wider = agreement('agreement-redacting', 'de-enf-01');
    wider.share.finding.maxTlp = 'AMBER+STRICT';
    wider.share.backfill = false;
    await a.op('PUT', '/admin/v1/partners/de-enf-01/agreement', wider);
    await deliver();
    expect((await c.op('GET', `/admin/v1/records/${f.id}`)).status).toBe(404);
  });

  it('an identical agreement PUT changes nothing', async () => {
    const cur = (await a.op('GET', '/admin/v1/partners/de-enf-01')).body.agreement;
    const { version: _v, ...same } = cur;
    const r = await a.op('PUT', '/admin/v1/partners/de-enf-01/agreement', same);
    expect(r.body).toMatchObject({ changed: false });
    expect(r.body.agreement.version).toBe(cur.version);
  });
});

describe('agreements at the edge', () => {
  it('refuses an agreement that could remove an unredactable member, naming it, and stores nothing', async () => {
    const bad = agreement('agreement-redacting', 'de-enf-01');
    bad.share.denial.redact.push('/parties/*/role');
    const before = (await a.op('GET', '/admin/v1/partners/de-enf-01')).body.agreement.version;
    const r = await a.op('PUT', '/admin/v1/partners/de-enf-01/agreement', bad);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/agreement/share/denial/redact/4');
    expect((await a.op('GET', '/admin/v1/partners/de-enf-01')).body.agreement.version).toBe(before);
    const self = await a.op('PUT', '/admin/v1/partners/de-enf-01/agreement', agreement('agreement-wide', 'nl-lic-01'));
    expect(self.status).toBe(400);
  });
  it('the partner sees its agreement verbatim, with every default written out', async () => {
    const st = JSON.parse(b.node.store.exchange.latestStatementIn('nl-lic-01')!.agreement!);
    expect(st).toMatchObject({
      partner: 'jp-lic-01',
      delivery: 'both',
      consultation: { workingDays: 10, maxExtensionWorkingDays: 20 },
      share: { embargoHours: 0, backfill: true },
    });
  });
});
