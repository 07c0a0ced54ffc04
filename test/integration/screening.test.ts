// Brief §7: screening own, received and reference-list names, with explanations.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement, push } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
const fixture = join(import.meta.dirname, '../fixtures/csl-excerpt.csv');
beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await a.op('POST', '/admin/v1/records', publishBody('finding-network'));
  await a.op('POST', '/admin/v1/records', publishBody('denial-suspension'));
  const revoked = await a.op('POST', '/admin/v1/records', publishBody('denial-ag-revoked-v2'));
  await a.op('POST', `/admin/v1/records/${revoked.body.id}/status`, { status: 'REVOKED', reason: 'Lifted.' });
  await push(a, b);
});
afterAll(stopAll);

async function screen(node: TestNode, parties: unknown[], extra: Record<string, unknown> = {}) {
  const r = await node.op('POST', '/admin/v1/screen', { parties, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.results as { hits: any[] }[];
}

describe('screening', () => {
  it('finds a received party across scripts and transliteration schemes, with an explanation', async () => {
    const [res] = await screen(b, [{ name: 'Ostrovok Tochnyye Pribory', country: 'RU' }]);
    const top = res!.hits[0];
    expect(top.source).toMatchObject({
      kind: 'record',
      origin: 'nl-lic-01',
      type: 'finding',
      role: 'PURCHASER',
      status: 'OPEN',
      active: true,
    });
    expect(top.score).toBeGreaterThan(0.8);
    expect(top.explanation.country).toMatch(/same country RU/);
    const [cyr] = await screen(b, [{ name: 'Островок Точные Приборы' }]);
    expect(cyr!.hits[0].source.role).toBe('PURCHASER');
  });

  it('legal-form noise and reordering do not matter; a conflicting country lowers the score', async () => {
    const [same] = await screen(b, [{ name: 'Tien Shan Optics', country: 'KG' }]);
    const [other] = await screen(b, [{ name: 'Optics Tien Shan LLC', country: 'DE' }]);
    expect(same!.hits[0].matchedName).toBe('Tien Shan Optics LLC');
    expect(other!.hits[0].matchedName).toBe('Tien Shan Optics LLC');
    expect(other!.hits[0].score).toBeLessThan(same!.hits[0].score);
    expect(other!.hits[0].explanation.country).toMatch(/conflicts/);
  });

  it('an identical identifier is decisive', async () => {
    const [res] = await screen(b, [
      { name: 'Completely Different Name', identifiers: [{ scheme: 'LEI', value: '984500B4LT1KQ7M2XV95' }] },
    ]);
    expect(res!.hits[0]).toMatchObject({ score: 1, matchedName: 'Veluwe Photonics B.V.' });
    expect(res!.hits[0].explanation.identifier).toMatch(/decisive/);
  });

  it('revoked records are left out by default and shown, labelled, on request', async () => {
    const [def] = await screen(a, [{ name: 'Steppe Chemical LLP' }]);
    expect(def!.hits).toEqual([]);
    const [all] = await screen(a, [{ name: 'Steppe Chemical LLP' }], { includeInactive: true });
    expect(all!.hits[0].source).toMatchObject({ status: 'REVOKED', active: false });
  });

  it('unrelated names stay under the threshold', async () => {
    const [res] = await screen(b, [{ name: 'Quantum Bakery Supplies' }]);
    expect(res!.hits).toEqual([]);
  });

  it('imports the real US Consolidated Screening List format (idempotently), labelled by source', async () => {
    const r1 = await cli(['import-list', '--dir', a.dir, fixture]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/us-csl: \d+ entries, \d+ names; version 1: \d+ added, 0 removed, 0 changed/);
    const r2 = await cli(['import-list', '--dir', a.dir, fixture]);
    expect(r2.stderr).toMatch(/unchanged/);
    const [res] = await screen(a, [{ name: 'JSC 140 Repair Plant' }]);
    expect(res!.hits[0].source).toMatchObject({ kind: 'reference-list', list: 'us-csl' });
    const out = await cli([
      'screen',
      '--dir',
      a.dir,
      join(import.meta.dirname, '../fixtures/design/agreement-wide.json'),
    ]);
    expect(out.code).not.toBe(0); // not a screening request: refused with a clear error
    expect(example('denial-suspension').parties[0].party.names[0].value).toBe('Tien Shan Optics LLC');
  });
});

describe('application screening: essentially identical transactions', () => {
  it('finds the partner denial with the same consignee, control entry and destination, and a catch-all one by HS heading', async () => {
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    const app = example('consultation-request').proposedTransaction; // Harbour Line Tech LLC, 3A001.a.2, AE
    const r = await b.op('POST', '/admin/v1/screen', { application: app });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const top = r.body.candidates[0];
    expect(top.denial).toMatchObject({ origin: 'nl-lic-01', originatorReference: 'NL-DU-2025-00417' });
    expect(top).toMatchObject({
      catchAll: false,
      essentiallyIdentical: true,
      control: 'same control entry 3A001.a.2',
      destination: 'same destination AE',
    });
    expect(top.party).toMatchObject({
      applicationRole: 'CONSIGNEE',
      denialRole: 'CONSIGNEE',
      matchedName: 'Harbourline Trading FZE',
    });
    const machine = {
      destinationCountry: 'MM',
      parties: [
        {
          role: 'CONSIGNEE',
          party: {
            kind: 'COMPANY',
            names: [{ value: 'Golden Reed Trading Company Limited', type: 'PRIMARY' }],
            addresses: [{ city: 'Yangon', country: 'MM' }],
          },
        },
      ],
      items: [
        {
          lineNo: 1,
          controlRefs: [{ scheme: 'UNLISTED', code: null }],
          description: 'Machining centre',
          technicalParameters: 'Positioning accuracy 8 um; 5 axes',
          commodityCodes: [{ scheme: 'HS6', code: '845710' }],
        },
      ],
    };
    const c = await b.op('POST', '/admin/v1/screen', { application: machine });
    expect(c.body.candidates[0]).toMatchObject({
      catchAll: true,
      essentiallyIdentical: true,
      denial: { originatorReference: 'FI-CA-25-0031' },
    });
    expect(c.body.candidates[0].control).toMatch(/^catch-all: same HS heading 8457/);
  });
});

describe('bounded input', () => {
  it('a licence application whose party name is 100 KB is refused at once (the plain form already capped names at 500 characters)', async () => {
    const started = performance.now();
    const r = await b.op('POST', '/admin/v1/screen', {
      application: {
        destinationCountry: 'AE',
        items: [],
        parties: [
          { role: 'CONSIGNEE', party: { kind: 'COMPANY', names: [{ value: 's '.repeat(50_000), type: 'PRIMARY' }] } },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].pointer).toBe('/application/parties/0/party/names/0/value');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('analyst memory', () => {
  it('a dismissed hit stops alerting for that input, and is shown flagged on request', async () => {
    const [res] = await screen(b, [{ name: 'Tien Shan Optics', country: 'KG' }]);
    const hit = res!.hits[0];
    expect(
      (
        await b.op('POST', '/admin/v1/screen/false-positives', {
          input: { name: 'Tien Shan Optics', country: 'KG' },
          target: hit.target,
          note: 'different company, checked registry',
        })
      ).status,
    ).toBe(204);
    const [after] = await screen(b, [{ name: 'Tien Shan Optics', country: 'KG' }]);
    expect(after!.hits.map((h: { target: string }) => h.target)).not.toContain(hit.target);
    const [shown] = await screen(b, [{ name: 'Tien Shan Optics', country: 'KG' }], { includeDismissed: true });
    expect(shown!.hits.find((h: { target: string }) => h.target === hit.target).dismissed).toMatchObject({
      note: 'different company, checked registry',
    });
    // another input still alerts
    const [other] = await screen(b, [{ name: 'Tien Shan Optics LLC' }]);
    expect(other!.hits.map((h: { target: string }) => h.target)).toContain(hit.target);
  });
  it('a dismissal is personal to its token: a colleague still gets the alert, labelled; it is audited and undone (issue 13 §7)', async () => {
    const token = async (name: string) =>
      (await b.op('POST', '/admin/v1/tokens', { name, role: 'analyst' })).body.token as string;
    const [alice, bob] = [await token('alice'), await token('bob')];
    const input = { name: 'Ostrovok Tochnyye Pribory', country: 'RU' };
    const screenAs = async (t: string, extra: Record<string, unknown> = {}) => {
      const r = await b.op('POST', '/admin/v1/screen', { parties: [input], ...extra }, t);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.results[0].hits as { target: string; dismissed?: unknown; dismissedBy?: unknown }[];
    };
    const [hit] = await screenAs(alice);
    expect(
      (
        await b.op(
          'POST',
          '/admin/v1/screen/false-positives',
          { input, target: hit!.target, note: 'another Ostrovok' },
          alice,
        )
      ).status,
    ).toBe(204);
    // alice no longer gets it (unless she asks)
    expect((await screenAs(alice)).map((h) => h.target)).not.toContain(hit!.target);
    expect((await screenAs(alice, { includeDismissed: true })).find((h) => h.target === hit!.target)).toMatchObject({
      dismissed: { by: 'token:alice', note: 'another Ostrovok' },
    });
    // bob, and the admin, still get the alert, labelled with alice's dismissal
    for (const t of [bob, b.adminToken]) {
      const seen = (await screenAs(t)).find((h) => h.target === hit!.target);
      expect(seen).toMatchObject({ dismissedBy: [{ by: 'token:alice', note: 'another Ostrovok' }] });
      expect(seen!.dismissed).toBeUndefined();
    }
    // audited with the token's name; bob cannot undo alice's dismissal, alice can
    const audit = async () =>
      (await b.op('GET', '/admin/v1/audit?limit=1000')).body.items as {
        action: string;
        actor: string;
        subject: string;
      }[];
    expect(
      (await audit())
        .filter((e) => e.action === 'screening.false-positive' && e.subject === hit!.target)
        .map((e) => e.actor),
    ).toEqual(['token:alice']);
    expect(
      (await b.op('POST', '/admin/v1/screen/false-positives/undo', { input, target: hit!.target }, bob)).status,
    ).toBe(404);
    expect(
      (await b.op('POST', '/admin/v1/screen/false-positives/undo', { input, target: hit!.target }, alice)).status,
    ).toBe(204);
    const again = (await screenAs(alice)).find((h) => h.target === hit!.target);
    expect(again).toBeDefined();
    expect(again!.dismissed).toBeUndefined();
    expect(again!.dismissedBy).toBeUndefined();
    expect((await audit()).filter((e) => e.action === 'screening.false-positive-undone').map((e) => e.actor)).toEqual([
      'token:alice',
    ]);
  });

  it('two parties linked as the same: a hit on one shows the other', async () => {
    const [x] = await screen(b, [{ name: 'Tianqiao Trading (HK) Limited' }]);
    const [y] = await screen(b, [{ name: 'Sandline General Trading FZE' }]);
    const tx = x!.hits[0].target;
    const ty = y!.hits[0].target;
    expect((await b.op('POST', '/admin/v1/screen/links', { a: tx, b: ty, note: 'same beneficial owner' })).status).toBe(
      204,
    );
    const [again] = await screen(b, [{ name: 'Tianqiao Trading HK' }]);
    const linked = again!.hits.find((h: { target: string }) => h.target === ty);
    expect(linked).toMatchObject({ linkedFrom: tx, matchedName: 'Sandline General Trading FZE' });
  });
});

describe('reference lists and the index', () => {
  it('imports a JSON entity list (the BIS Entity List excerpt) with countries, and the index rebuilds from scratch', async () => {
    const file = join(import.meta.dirname, '../fixtures/bis-entity-list-excerpt.json');
    const r = await cli(['import-list', '--dir', b.dir, file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bis-entity-list: \d+ entries/);
    const [res] = await screen(b, [{ name: 'King Royal Technologies Company Limited', country: 'MM' }]);
    expect(res!.hits[0]).toMatchObject({
      matchedName: 'King Royal Technologies Co., Ltd.',
      source: { kind: 'reference-list', list: 'bis-entity-list' },
    });
    expect(res!.hits[0].explanation.country).toMatch(/same country MM/);
    const rebuilt = await cli(['screen-index-rebuild', '--dir', b.dir]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toMatch(/indexed \d+ records/);
    const [again] = await screen(b, [{ name: 'Ostrovok Tochnyye Pribory' }]);
    expect(again!.hits[0].source.kind).toBe('record');
  });
});
