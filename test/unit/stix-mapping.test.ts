// The STIX 2.1 mapping of every design example, checked by the official OASIS STIX 2.1 JSON Schemas
// (vendored, Ajv 2020-12) and by this project's extension schemas; ids are deterministic and the
// record comes back from what was exported.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromStix,
  handlingStatement,
  recordObjectId,
  toStix,
  type RecordKind,
} from '../../node/src/interop/stix-mapping.js';
import {
  authorIdentity,
  extensionDefinitions,
  nodeIdentity,
  TLP_LEVELS,
  tlpMarking,
  type StixObject,
} from '../../node/src/interop/stix-static.js';
import { example } from '../helpers/examples.js';
import { bundleErrors, rawBundleErrors, stixErrors, withoutEmptyLists } from '../helpers/stix-schemas.js';
import { asText } from '../../node/src/domain/text.js';

const names = readdirSync(join(import.meta.dirname, '../fixtures/design'))
  .filter((f) => /^(denial|finding)-.*\.json$/.test(f))
  .map((f) => f.replace(/\.json$/, ''));

function kindOf(name: string): RecordKind {
  return name.startsWith('denial') ? 'denial' : 'finding';
}

function expectValid(objects: StixObject[]): void {
  for (const o of objects) expect(stixErrors(o), `${o.type} ${o.id}`).toEqual([]);
  const bundle = { type: 'bundle', id: 'bundle--0f3c1b55-0a2e-4e55-9f4a-2d5b8b1f3a10', objects };
  expect(bundleErrors(bundle)).toEqual([]);
}

describe('the vendored OASIS schemas', () => {
  // Why objects are checked one by one against their own schema (test/helpers/stix-schemas.ts).
  it("bundle.json refuses the STIX 2.1 spec's own location and new-SDO examples; their own schemas don't", () => {
    const location = {
      type: 'location',
      spec_version: '2.1',
      id: 'location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64',
      created: '2016-04-06T20:03:00.000Z',
      modified: '2016-04-06T20:03:00.000Z',
      region: 'south-eastern-asia',
      country: 'th',
      administrative_area: 'Tak',
      postal_code: '63170',
    };
    const sdo = {
      type: 'my-favorite-sdo',
      spec_version: '2.1',
      id: 'my-favorite-sdo--ac97aae4-83f1-46ca-a351-7aeb76678189',
      created: '2014-02-20T09:16:08.989Z',
      modified: '2014-02-20T09:16:08.989Z',
      name: 'This is the name of my favorite',
      some_field: 'value',
      extensions: { 'extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62': { extension_type: 'new-sdo' } },
    };
    for (const o of [location, sdo]) {
      expect(
        rawBundleErrors({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects: [o] }),
      ).not.toEqual([]);
      expect(stixErrors(o)).toEqual([]);
    }
  });
});

describe('STIX objects every export shares', () => {
  it('TLP 2.0 markings, extension definitions and identities validate against the OASIS schemas', () => {
    expectValid([
      ...TLP_LEVELS.map(tlpMarking),
      ...extensionDefinitions(),
      authorIdentity(),
      nodeIdentity({ nodeId: 'nl-lic-01', name: 'NL dual-use licensing', country: 'NL' }),
    ]);
  });
});

describe.each(names)('%s', (name) => {
  const record = example(name);
  const kind = kindOf(name);
  const objects = toStix({ type: kind, record });

  it('validates against the official STIX 2.1 schemas and the Entente extension schemas', () => {
    expectValid(objects);
  });

  it('is deterministic: the same ids and content when exported again', () => {
    expect(toStix({ type: kind, record: example(name) })).toEqual(objects);
    expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
  });

  it('comes back as the record the node holds', () => {
    expect(fromStix(objects, kind)).toEqual(withoutEmptyLists(record));
  });

  it('groups the version in a report whose references all resolve, and marks every object', () => {
    const report = objects.find((o) => o.type === 'report')!;
    const ids = new Set(objects.map((o) => o.id));
    for (const ref of report.object_refs as string[]) expect(ids.has(ref), ref).toBe(true);
    expect(report.object_refs).toContain(recordObjectId(kind, record.id));
    for (const o of objects.filter((x) => x.type !== 'marking-definition')) {
      expect((o.object_marking_refs as string[]).length).toBe(2);
    }
    const statement = objects.find((o) => o.type === 'marking-definition')!;
    expect(statement.definition).toEqual({ statement: handlingStatement(record) });
  });

  it('keeps every name of every party, in every script, and identifiers as external references', () => {
    const identities = objects.filter((o) => o.type === 'identity');
    expect(identities.length).toBe((record.parties ?? []).length);
    for (const [i, entry] of (record.parties ?? []).entries()) {
      const identity = identities[i]!;
      const text = `${asText(identity.name)}\n${asText(identity.description ?? '')}`;
      for (const n of entry.party.names) expect(text).toContain(n.value);
      const refs = (identity.external_references ?? []) as { external_id?: string; description?: string }[];
      for (const id of entry.party.identifiers ?? []) {
        expect(refs.some((r) => r.external_id === id.value || r.description?.startsWith(id.value))).toBe(true);
      }
    }
  });
});

describe('versions and redaction', () => {
  it("a terminal version revokes the record's objects; STIX versions follow the record versions", () => {
    const v2 = example('denial-ag-revoked-v2');
    const objects = toStix({ type: 'denial', record: v2 });
    for (const o of objects.filter((x) => x.type !== 'marking-definition')) expect(o.revoked).toBe(true);
    const v1: Record<string, any> = { ...v2, version: 1, changeType: 'NEW', status: 'ACTIVE', updatedAt: v2.createdAt };
    delete v1.supersedes;
    delete v1.statusReason;
    const first = toStix({ type: 'denial', record: v1 });
    const byId = new Map(first.map((o) => [o.id, o]));
    for (const o of objects.filter((x) => x.type !== 'marking-definition')) {
      const earlier = byId.get(o.id);
      expect(earlier, o.id).toBeDefined();
      expect(earlier!.created).toBe(o.created);
      expect(earlier!.revoked).toBeUndefined();
      expect(asText(earlier!.modified) < asText(o.modified)).toBe(true);
    }
  });

  it('what redaction removed is absent, and what is left still validates', () => {
    const r = example('denial-mtcr-amended-v2');
    const redacted: Record<string, any> = { ...r, parties: r.parties.slice(1) };
    delete redacted.reasonNarrative;
    delete redacted.pointOfContact;
    redacted.items = r.items.map(({ value: _v, quantity: _q, ...rest }: Record<string, unknown>) => rest);
    const objects = toStix({ type: 'denial', record: redacted });
    expectValid(objects);
    const text = JSON.stringify(objects);
    for (const n of r.parties[0].party.names) expect(text).not.toContain(n.value);
    expect(text).not.toContain('reason_narrative');
    expect(text).not.toContain('point_of_contact');
    expect(fromStix(objects, 'denial')).toEqual(withoutEmptyLists(redacted));
  });
});
