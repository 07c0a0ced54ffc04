// The TAXII 2.1 server read by the OASIS TAXII 2.1 client (vendored, a Python child process) on a
// real node B that holds its own records and records received from A: every collection read and
// paged with `next`, every version, the manifest, Get an Object, Get Object Versions, and polling
// with added_after. What the client got is the node's records (reconstructed from the STIX objects
// and compared with the operator API), and every object validates against the official OASIS
// STIX 2.1 schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromStix, type RecordKind } from '../../node/src/interop/stix-mapping.js';
import { tlpAllowed } from '../../node/src/interop/stix-static.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';
import { stixErrors, withoutEmptyLists } from '../helpers/stix-schemas.js';
import { readWithTaxiiClient, type ClientCollection, type ClientRun } from '../helpers/taxii.js';

let a: TestNode;
let b: TestNode;
let token: string;
const PAGE = 5;
const share = {
  denial: { maxTlp: 'AMBER+STRICT', redact: ['/items/*/value', '/pointOfContact'] },
  finding: { maxTlp: 'AMBER+STRICT', redact: ['/items/*/value'] },
  embargoHours: 0,
  backfill: true,
};

async function publish(
  n: TestNode,
  name: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; record: Record<string, any> }> {
  const r = await n.op('POST', '/admin/v1/records', publishBody(name, overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, {
    aToB: agreement('agreement-wide', 'jp-lic-01', { share }),
    bToA: agreement('agreement-wide', 'nl-lic-01'),
  });
  await publish(a, 'denial-wa-sensitive');
  await publish(a, 'finding-network');
  await publish(a, 'finding-seizure');
  const c = await publish(a, 'denial-catch-all');
  await a.op('PUT', `/admin/v1/records/${c.id}`, { record: { ...c.record, statedEndUse: 'Pump housings (amended)' } });
  await a.op('POST', `/admin/v1/records/${c.id}/status`, { status: 'REVOKED', reason: 'Lifted after review.' });
  await push(a, b);
  await publish(b, 'denial-nsg-withheld');
  await publish(b, 'finding-penalty-clear');
  const red = publishBody('denial-suspension').record.handling;
  await publish(b, 'denial-suspension', { originatorReference: 'JP-RED-ONLY-1', handling: { ...red, tlp: 'RED' } });
  const t = await b.op('POST', '/admin/v1/tokens', { name: 'opencti', role: 'consumer' });
  token = t.body.token;
  const g = await b.op('PUT', '/admin/v1/tokens/opencti/exports', {
    maxTlp: 'AMBER+STRICT',
    collections: ['own', 'from-nl-lic-01'],
  });
  expect(g.status, JSON.stringify(g.body)).toBe(200);
});
afterAll(stopAll);

/** The node's records in a collection, as the operator API gives them: every version, within the TLP allowance. */
async function heldVersions(
  origin: string,
): Promise<Map<string, { type: RecordKind; versions: Record<string, any>[] }>> {
  const list = (await b.op('GET', `/admin/v1/records?origin=${origin}&limit=1000`)).body.items as {
    id: string;
    type: RecordKind;
  }[];
  const out = new Map<string, { type: RecordKind; versions: Record<string, any>[] }>();
  for (const item of list) {
    const d = (await b.op('GET', `/admin/v1/records/${item.id}`)).body;
    const versions = d.history
      .map((h: { record: Record<string, any> }) => h.record)
      .filter((r: any) => tlpAllowed(r.handling.tlp, 'AMBER+STRICT'));
    if (versions.length) out.set(item.id, { type: item.type, versions });
  }
  return out;
}

/** The record versions the client received, rebuilt from the STIX objects of each version. */
function rebuilt(objects: Record<string, any>[]): Map<string, Record<string, any>[]> {
  const out = new Map<string, Record<string, any>[]>();
  for (const o of objects.filter((x) => x.type === 'entente-denial' || x.type === 'entente-finding')) {
    const type = o.type.slice('entente-'.length) as RecordKind;
    const parties = objects.filter(
      (x) => x.type === 'identity' && x.modified === o.modified && (o.party_refs ?? []).includes(x.id),
    );
    const record = fromStix([o, ...parties] as never, type);
    out.set(
      o.record_id,
      [...(out.get(o.record_id) ?? []), record].sort((x, y) => x.version - y.version),
    );
  }
  return out;
}

function collection(run: ClientRun, alias: string): ClientCollection {
  const c = run.api_roots[0]!.collections.find((x) => x.alias === alias);
  expect(c, alias).toBeDefined();
  return c!;
}

async function expectHeld(c: ClientCollection, origin: string): Promise<void> {
  const held = await heldVersions(origin);
  const latest = rebuilt(c.objects);
  const every = rebuilt(c.all_versions);
  expect([...latest.keys()].sort()).toEqual([...held.keys()].sort());
  for (const [id, h] of held) {
    expect(latest.get(id), id).toEqual([withoutEmptyLists(h.versions.at(-1))]);
    expect(every.get(id), id).toEqual(h.versions.map(withoutEmptyLists));
  }
}

describe('the OASIS TAXII 2.1 client against node B', () => {
  let run: ClientRun;
  beforeAll(async () => {
    run = await readWithTaxiiClient(b, 'opencti', token, PAGE);
  });

  it('discovers one API root with TAXII 2.1 and exactly the collections exposed to the token, read-only', () => {
    expect(run.api_roots).toHaveLength(1);
    expect(run.api_roots[0]!.versions).toEqual(['application/taxii+json;version=2.1']);
    const cs = run.api_roots[0]!.collections;
    expect(cs.map((c) => c.alias).sort()).toEqual(['from-nl-lic-01', 'own']);
    for (const c of cs) expect([c.can_read, c.can_write]).toEqual([true, false]);
  });

  it('pages every collection with `next`: several pages, none larger than asked, no object twice', () => {
    for (const c of run.api_roots[0]!.collections) {
      expect(c.pages.length, c.alias).toBeGreaterThan(2);
      expect(Math.max(...c.pages)).toBeLessThanOrEqual(PAGE);
      expect(new Set(c.objects.map((o) => o.id)).size).toBe(c.objects.length);
      const versions = c.all_versions.map((o) => `${o.id} ${o.modified ?? o.created}`);
      expect(new Set(versions).size).toBe(versions.length);
      expect(c.manifest.map((m) => `${m.id} ${m.version}`)).toEqual(
        c.objects.map((o) => `${o.id} ${o.modified ?? o.created}`),
      );
    }
  });

  it("what it read is the node's records: own, and as received from A (redactions absent), every version", async () => {
    await expectHeld(collection(run, 'own'), 'jp-lic-01');
    const received = collection(run, 'from-nl-lic-01');
    await expectHeld(received, 'nl-lic-01');
    const text = JSON.stringify(received.all_versions);
    expect(text).not.toContain('point_of_contact');
    expect(text).not.toContain('"value":{"amount"');
  });

  it("never serves what is above the token's TLP allowance (the RED own record)", async () => {
    expect((await b.op('GET', '/admin/v1/records?q=JP-RED-ONLY-1')).body.items).toHaveLength(1);
    const own = collection(run, 'own');
    expect(own.all_versions.some((o) => o.type === 'marking-definition' && o.name === 'TLP:RED')).toBe(false);
    expect(JSON.stringify(own.all_versions)).not.toContain('JP-RED-ONLY-1');
  });

  it('every object it received validates against the OASIS STIX 2.1 schemas and the extension schemas', () => {
    for (const c of run.api_roots[0]!.collections) {
      for (const o of c.all_versions) expect(stixErrors(o), `${o.type} ${o.id}`).toEqual([]);
    }
  });

  it('Get an Object gives the latest version, Get Object Versions every version; revoked records end revoked', () => {
    for (const c of run.api_roots[0]!.collections) {
      for (const [id, got] of Object.entries(c.single)) {
        expect(got).toEqual([c.objects.find((o) => o.id === id)]);
        expect(c.versions[id]).toEqual(c.all_versions.filter((o) => o.id === id).map((o) => o.modified));
      }
    }
    const revoked = collection(run, 'from-nl-lic-01').objects.filter(
      (o) => o.type === 'entente-denial' && o.status === 'REVOKED',
    );
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.revoked).toBe(true);
    expect(collection(run, 'from-nl-lic-01').versions[revoked[0]!.id]).toHaveLength(3);
  });

  it("polling with added_after returns exactly what was added since, and then the node's records again", async () => {
    const lastSeen = run.api_roots[0]!.collections.flatMap((c) => c.manifest.map((m) => m.date_added))
      .sort()
      .at(-1)!;
    const f = await publish(a, 'finding-vessel-detention');
    const w = (await a.op('GET', '/admin/v1/records?q=NL-DU-2025-00417')).body.items[0];
    await a.op('PUT', `/admin/v1/records/${w.id}`, {
      record: { ...w.record, statedEndUse: 'Satellite bus (amended)' },
    });
    await push(a, b);
    const own = await publish(b, 'finding-seizure', { originatorReference: 'JP-SEIZED-2' });
    const next = await readWithTaxiiClient(b, 'opencti', token, PAGE, lastSeen);
    for (const c of next.api_roots[0]!.collections) {
      const added = c.manifest.filter((m) => m.date_added > lastSeen).map((m) => `${m.id} ${m.version}`);
      expect(added.length, c.alias).toBeGreaterThan(0);
      expect(c.after!.map((o) => `${o.id} ${o.modified ?? o.created}`).sort()).toEqual(added.sort());
    }
    const since = (alias: string) =>
      new Set(
        collection(next, alias)
          .after!.filter((o) => o.type.startsWith('entente-'))
          .map((o) => o.record_id),
      );
    expect(since('from-nl-lic-01')).toEqual(new Set([f.id, w.id]));
    expect(since('own')).toEqual(new Set([own.id]));
    await expectHeld(collection(next, 'own'), 'jp-lic-01');
    await expectHeld(collection(next, 'from-nl-lic-01'), 'nl-lic-01');
  });
});
