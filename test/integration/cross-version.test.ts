// Issue 13 §2: a partner's version that breaks a cross-version rule against the version this node
// holds (a later version after a terminal one, a changed originatorReference or createdAt, a change
// type not allowed from the held status) is applied, as docs/records.md §2.1 says, and raises an alarm naming
// the record and the rule; the record is labelled in search and screening until an analyst reviews it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { expectedAt, jwsOver, releasePayload, signingKeyOf } from '../helpers/forge.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
const ids: Record<string, string> = {};

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestNode('nl-lic-01', { sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  for (const [k, name] of [
    ['withdrawn', 'denial-wa-sensitive'],
    ['active', 'denial-catch-all'],
    ['amended', 'denial-nsg-withheld'],
  ] as const) {
    const r = await a.op('POST', '/admin/v1/records', publishBody(name));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids[k] = r.body.id;
  }
  expect(
    (
      await a.op('POST', `/admin/v1/records/${ids.withdrawn}/status`, {
        status: 'WITHDRAWN',
        reason: 'Issued in error.',
      })
    ).status,
  ).toBe(200);
  // a lawful amendment: no alarm
  const cur = (await a.op('GET', `/admin/v1/records/${ids.amended}`)).body.current.record;
  expect(
    (await a.op('PUT', `/admin/v1/records/${ids.amended}`, { record: { ...cur, statedEndUse: 'Amended end use.' } }))
      .status,
  ).toBe(200);
  await push(a, b);
});
afterAll(stopAll);

/** B's copy of a record (current version). */
async function held(id: string) {
  return (await b.op('GET', `/admin/v1/records/${id}`)).body;
}

/** A forged next version from A's real key at B's expected position: as a misbehaving originator would send it. */
async function sendNext(id: string, change: (r: Record<string, any>) => Record<string, any>) {
  const cur = (await held(id)).current.record as Record<string, any>;
  const next = change({
    ...cur,
    version: cur.version + 1,
    supersedes: { id, version: cur.version },
    updatedAt: new Date(Date.parse(cur.updatedAt) + 60_000).toISOString().replace('.000Z', 'Z'),
  });
  const agreementRef = {
    reference: a.node.services.agreements.current('jp-lic-01')!.reference,
    version: a.node.services.agreements.current('jp-lic-01')!.version,
  };
  const payload = releasePayload(
    a,
    b,
    expectedAt(b, 'nl-lic-01'),
    'record',
    { record: next, redacted: [] },
    { agreement: agreementRef },
  );
  const client = a.clientTo(b);
  try {
    const r = await client.call('POST', '/v1/inbox', { items: [jwsOver(signingKeyOf(a), canonicalString(payload))] });
    expect(r.status, r.body.toString()).toBe(200);
    return JSON.parse(Buffer.from(r.json<{ receipt: string }>().receipt.split('.')[1]!, 'base64url').toString()) as {
      rejected: unknown[];
    };
  } finally {
    await client.close();
  }
}

const crossVersionAlarms = () => b.node.services.alarms.list('nl-lic-01').filter((x) => x.kind === 'cross-version');

describe('cross-version violations from a partner, with the predecessor held', () => {
  it('lawful versions raise nothing', async () => {
    expect((await held(ids.amended!)).current.version).toBe(2);
    expect((await held(ids.withdrawn!)).current.record.status).toBe('WITHDRAWN');
    expect(crossVersionAlarms()).toEqual([]);
  });

  it('a later version of a WITHDRAWN record is applied, alarmed (terminal), and labelled in search, screening and sync status until reviewed', async () => {
    const receipt = await sendNext(ids.withdrawn!, (r) => {
      const { statusReason: _gone, ...rest } = r;
      return { ...rest, status: 'ACTIVE', changeType: 'AMENDMENT' };
    });
    expect(receipt.rejected).toEqual([]);
    const d = await held(ids.withdrawn!);
    expect(d.current).toMatchObject({ version: 3, record: { status: 'ACTIVE' } });
    expect(d.labels).toContain('cross-version-violation');
    expect(d.review).toEqual([
      expect.objectContaining({
        version: 3,
        heldVersion: 2,
        violations: [expect.objectContaining({ rule: 'terminal', pointer: '/version' })],
      }),
    ]);
    const [alarm] = crossVersionAlarms();
    expect(alarm!.detail).toContain(ids.withdrawn!);
    expect(alarm!.detail).toMatch(/v3 breaks cross-version rules against v2 held \(terminal \/version\)/);
    // alarms API, search, screening, sync status
    expect(
      (await b.op('GET', '/admin/v1/alarms?partner=nl-lic-01')).body.items.map((x: { kind: string }) => x.kind),
    ).toContain('cross-version');
    const found = (await b.op('GET', '/admin/v1/records?origin=nl-lic-01')).body.items.find(
      (x: { id: string }) => x.id === ids.withdrawn,
    );
    expect(found.labels).toContain('cross-version-violation');
    const name = d.current.record.parties[0].party.names[0].value as string;
    const screened = (await b.op('POST', '/admin/v1/screen', { parties: [{ name }] })).body.results[0].hits.find(
      (h: { source: { id?: string } }) => h.source.id === ids.withdrawn,
    );
    expect(screened.source).toMatchObject({ status: 'ACTIVE', labels: ['cross-version-violation'] });
    expect((await b.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.inbound.toReview).toBe(1);

    // an analyst reviews it: the label goes, the review is audited with the token's name
    const analyst = (await b.op('POST', '/admin/v1/tokens', { name: 'kenji', role: 'analyst' })).body.token as string;
    const reviewed = await b.op(
      'POST',
      `/admin/v1/records/${ids.withdrawn}/review`,
      { note: 'Asked NL: issued in error twice; v3 stands.' },
      analyst,
    );
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body).toMatchObject({
      id: ids.withdrawn,
      by: 'token:kenji',
      reviewed: [{ version: 3, heldVersion: 2 }],
    });
    const after = await held(ids.withdrawn!);
    expect(after.labels).not.toContain('cross-version-violation');
    expect(after.review).toBeNull();
    expect((await b.op('GET', '/admin/v1/partners/nl-lic-01')).body.sync.inbound.toReview).toBe(0);
    const audit = (await b.op('GET', '/admin/v1/audit?limit=1000')).body.items as {
      action: string;
      actor: string;
      subject: string;
    }[];
    expect(audit.filter((e) => e.action === 'record.review')).toEqual([
      expect.objectContaining({ actor: 'token:kenji', subject: ids.withdrawn }),
    ]);
    expect((await b.op('POST', `/admin/v1/records/${ids.withdrawn}/review`, {}, analyst)).status).toBe(409);
  });

  it('a changed originatorReference and createdAt, and a FINAL_ASSESSMENT of a denial that is no SUSPENSION, each name their rule', async () => {
    await sendNext(ids.active!, (r) => ({
      ...r,
      changeType: 'AMENDMENT',
      originatorReference: 'FI-CA-25-9999',
      createdAt: '2025-06-02T10:00:00Z',
    }));
    let d = await held(ids.active!);
    expect(d.current.version).toBe(2);
    expect(d.review[0].violations.map((v: { rule: string; pointer: string }) => `${v.rule} ${v.pointer}`)).toEqual([
      'same-in-every-version /originatorReference',
      'same-in-every-version /createdAt',
    ]);
    await sendNext(ids.active!, (r) => ({
      ...r,
      changeType: 'FINAL_ASSESSMENT',
      decisionType: 'ANNULMENT',
      statusReason: 'Final.',
    }));
    d = await held(ids.active!);
    expect(d.current.version).toBe(3);
    expect(d.review).toHaveLength(2);
    expect(d.review[1].violations.map((v: { rule: string; pointer: string }) => `${v.rule} ${v.pointer}`)).toEqual([
      'change-type /changeType',
    ]);
    expect(crossVersionAlarms().filter((x) => x.detail.includes(ids.active!))).toHaveLength(2);
  });
});
