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
  [a, b] = await Promise.all([startTestNode('nl-lic-01', { sync: { autoStart: false } }), startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } })]);
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
    expect(top.source).toMatchObject({ kind: 'record', origin: 'nl-lic-01', type: 'finding', role: 'PURCHASER', status: 'OPEN', active: true });
    expect(top.score).toBeGreaterThan(0.9);
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
    const [res] = await screen(b, [{ name: 'Completely Different Name', identifiers: [{ scheme: 'LEI', value: '984500B4LT1KQ7M2XV95' }] }]);
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
    expect(r1.stderr).toMatch(/us-csl: \d+ entries, \d+ names indexed/);
    const r2 = await cli(['import-list', '--dir', a.dir, fixture]);
    expect(r2.stderr).toMatch(/unchanged/);
    const [res] = await screen(a, [{ name: 'JSC 140 Repair Plant' }]);
    expect(res!.hits[0].source).toMatchObject({ kind: 'reference-list', list: 'us-csl' });
    const out = await cli(['screen', '--dir', a.dir, join(import.meta.dirname, '../fixtures/design/agreement-wide.json')]);
    expect(out.code).not.toBe(0); // not a screening request: refused with a clear error
    expect(example('denial-suspension').parties[0].party.names[0].value).toBe('Tien Shan Optics LLC');
  });
});
