// Issue 3: officers publish, amend, renew, revoke and withdraw signed records through the operator
// API of a real node; every stored signature verifies against the node's published key with jose.
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { day } from '../helpers/dates.js';
import { asNew, example, publishBody } from '../helpers/examples.js';
import { startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let n: TestNode;
beforeAll(async () => {
  n = await startTestNode('nl-lic-01', { country: 'NL' });
});
afterAll(stopAll);

async function publish(name: string, overrides: Record<string, unknown> = {}) {
  const r = await n.op('POST', '/admin/v1/records', publishBody(name, overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; version: number; record: Record<string, any> };
}

async function verifyAllSignatures(id: string): Promise<number> {
  const d = (await n.op('GET', `/admin/v1/records/${id}`)).body;
  const key = await importJWK(n.bundle.keys.keys[0]!, 'EdDSA');
  for (const v of d.history) {
    const { payload, protectedHeader } = await compactVerify(v.signature, key, { algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: n.bundle.keys.keys[0]!.kid, typ: 'entente-record+jws' });
    expect(new TextDecoder().decode(payload)).toBe(canonicalString(v.record));
  }
  return d.history.length;
}

function counts() {
  const db = n.node.store.db;
  return {
    versions: (db.prepare('SELECT count(*) AS c FROM record_versions').get() as { c: number }).c,
    audit: (db.prepare("SELECT count(*) AS c FROM audit WHERE action LIKE 'record.%'").get() as { c: number }).c,
  };
}

describe('lifecycle of the design examples', () => {
  it('publishes every example as version 1 with the envelope the node assigns', async () => {
    for (const name of [
      'denial-wa-sensitive',
      'denial-catch-all',
      'denial-nsg-withheld',
      'denial-suspension',
      'finding-seizure',
      'finding-penalty-clear',
    ]) {
      const r = await publish(name);
      expect(r.id).toMatch(/^urn:entente:nl-lic-01:(denial|finding):/);
      expect(r.record).toMatchObject({
        version: 1,
        changeType: 'NEW',
        originatorNodeId: 'nl-lic-01',
        originatorCountry: 'NL',
      });
      expect(r.record.updatedAt).toBe(r.record.createdAt);
      expect(await verifyAllSignatures(r.id)).toBe(1);
    }
  });

  it('fills the version-1 defaults: status, notifiedAt, reviewDueOn (29 February → 28 February)', async () => {
    const body = publishBody('denial-nsg-withheld', { originatorReference: 'FI-NP-LEAP', decisionDate: '2024-02-29' });
    delete body.record.status;
    delete body.record.notifiedAt;
    delete body.record.reviewDueOn;
    const r = await n.op('POST', '/admin/v1/records', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.record).toMatchObject({
      status: 'ACTIVE',
      notifiedAt: r.body.record.createdAt,
      reviewDueOn: '2027-02-28',
    });
    const f = publishBody('finding-seizure', { originatorReference: 'DE-NO-REPORTED' });
    delete f.record.reportedAt;
    delete f.record.status;
    const rf = await n.op('POST', '/admin/v1/records', f);
    expect(rf.body.record).toMatchObject({ status: 'OPEN', reportedAt: rf.body.record.createdAt });
  });

  it('amends (mtcr v2), renews, revokes (ag v2), and keeps every version signed', async () => {
    const v2 = example('denial-mtcr-amended-v2');
    const endUser = v2.parties[1].party;
    const v1 = await publish('denial-mtcr-amended-v2', {
      parties: [v2.parties[0], { role: 'END_USER', party: { ...endUser, names: [endUser.names[0]] } }],
    });
    const amended = await n.op(
      'PUT',
      `/admin/v1/records/${v1.id}`,
      { record: { ...v1.record, parties: v2.parties } },
      undefined,
      { 'if-match': '"1"' },
    );
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect(amended.body.record).toMatchObject({
      version: 2,
      changeType: 'AMENDMENT',
      supersedes: { id: v1.id, version: 1 },
    });
    expect(amended.body.record.updatedAt > v1.record.updatedAt).toBe(true);
    expect(amended.headers.get('etag')).toBe('"2"');

    // later than the current reviewDueOn, and within 3 years after the renewal (today)
    const due = day(900);
    const renewed = await n.op('POST', `/admin/v1/records/${v1.id}/status`, {
      renew: { reviewDueOn: due },
      reason: 'Three-year review: concerns confirmed.',
    });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(renewed.body.record).toMatchObject({
      version: 3,
      changeType: 'RENEWAL',
      reviewDueOn: due,
      statusReason: 'Three-year review: concerns confirmed.',
    });

    const ag = await publish('denial-ag-revoked-v2');
    const revoked = await n.op('POST', `/admin/v1/records/${ag.id}/status`, {
      status: 'REVOKED',
      reason: 'On-site verification confirmed civilian production.',
    });
    expect(revoked.body.record).toMatchObject({ version: 2, changeType: 'STATUS_CHANGE', status: 'REVOKED' });
    expect(await verifyAllSignatures(v1.id)).toBe(3);
    expect(await verifyAllSignatures(ag.id)).toBe(2);
    const detail = (await n.op('GET', `/admin/v1/records/${ag.id}`)).body;
    expect(detail.current.version).toBe(2);
    expect(detail.history.map((h: { version: number }) => h.version)).toEqual([1, 2]);
  });

  it('a suspension gets its final assessment, or is revoked by FINAL_ASSESSMENT', async () => {
    const s1 = await publish('denial-suspension', { originatorReference: 'NL-SUSP-1' });
    const fa = await n.op('POST', `/admin/v1/records/${s1.id}/status`, {
      finalAssessment: { decisionType: 'DENIAL' },
      reason: 'Re-export confirmed.',
    });
    expect(fa.status, JSON.stringify(fa.body)).toBe(200);
    expect(fa.body.record).toMatchObject({ changeType: 'FINAL_ASSESSMENT', decisionType: 'DENIAL', status: 'ACTIVE' });
    expect(fa.body.record.suspension).toBeUndefined();
    const s2 = await publish('denial-suspension', { originatorReference: 'NL-SUSP-2' });
    const lifted = await n.op('POST', `/admin/v1/records/${s2.id}/status`, {
      status: 'REVOKED',
      reason: 'Suspension lifted.',
    });
    expect(lifted.body.record).toMatchObject({
      changeType: 'FINAL_ASSESSMENT',
      decisionType: 'SUSPENSION',
      status: 'REVOKED',
    });
  });

  it('findings move forward only, may be amended when CLOSED, and are withdrawn for good', async () => {
    const f = await publish('finding-vessel-detention');
    const up = await n.op('POST', `/admin/v1/records/${f.id}/status`, {
      status: 'UNDER_INVESTIGATION',
      reason: 'Laboratory test.',
    });
    expect(up.body.record).toMatchObject({ version: 2, status: 'UNDER_INVESTIGATION' });
    const back = await n.op('POST', `/admin/v1/records/${f.id}/status`, { status: 'OPEN', reason: 'x' });
    expect(back.status).toBe(400); // OPEN is not a status-change target (schema)
    const closed = await n.op('POST', `/admin/v1/records/${f.id}/status`, { status: 'CLOSED', reason: 'Case closed.' });
    expect(closed.body.record.status).toBe('CLOSED');
    const backwards = await n.op('POST', `/admin/v1/records/${f.id}/status`, { status: 'ADJUDICATED', reason: 'x' });
    expect(backwards.status).toBe(409);
    expect(backwards.body.type).toBe('urn:entente:problem:transition');
    const amend = await n.op('PUT', `/admin/v1/records/${f.id}`, {
      record: { ...closed.body.record, summary: closed.body.record.summary + ' Amended after closure.' },
    });
    expect(amend.status, JSON.stringify(amend.body)).toBe(200);
    const withdrawn = await n.op('POST', `/admin/v1/records/${f.id}/status`, {
      status: 'WITHDRAWN',
      reason: 'Issued in error.',
    });
    expect(withdrawn.body.record.status).toBe('WITHDRAWN');
    const after = await n.op('PUT', `/admin/v1/records/${f.id}`, { record: withdrawn.body.record });
    expect(after.status).toBe(409);
  });
});

describe('bad input: a clear problem, the right status, and nothing written', () => {
  async function refused(
    req: () => Promise<{ status: number; body: any; headers: Headers }>,
    status: number,
    type: string,
    pointer?: string,
  ) {
    const before = counts();
    const r = await req();
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.type).toBe(`urn:entente:problem:${type}`);
    if (pointer) expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(counts()).toEqual(before);
    return r.body;
  }
  const post =
    (body: unknown, headers: Record<string, string> = {}, token?: string) =>
    () =>
      n.op('POST', '/admin/v1/records', body, token, headers);

  it('malformed JSON → 400', () => refused(post('{"type": "denial", '), 400, 'bad-request'));
  it('unknown field → 400 naming it', () =>
    refused(
      post(publishBody('denial-wa-sensitive', { originatorReference: 'X1', _comment: 'hi' })),
      400,
      'validation',
      '/record/_comment',
    ));
  it('unknown body member → 400', () =>
    refused(post({ ...publishBody('denial-wa-sensitive'), extra: 1 }), 400, 'validation', '/extra'));
  it('wrong type → 400 naming it', () =>
    refused(
      post(publishBody('denial-wa-sensitive', { originatorReference: 'X2', regimes: 'WA' })),
      400,
      'validation',
      '/record/regimes',
    ));
  it('a float → 400 (M1)', () =>
    refused(
      post(
        publishBody('finding-penalty-clear', {
          originatorReference: 'X3',
          penalty: { kind: 'CIVIL_FINE', amount: { amount: 1.5, currency: 'EUR' } },
        }),
      ),
      400,
      'validation',
      '/record/penalty/amount/amount',
    ));
  it('a broken domain rule → 400 naming the field', () =>
    refused(
      post(publishBody('denial-wa-sensitive', { originatorReference: 'X4', waTier: undefined })),
      400,
      'validation',
      '/record/waTier',
    ));
  it('a record of the wrong type for its body → 400', () =>
    refused(
      post({ type: 'finding', record: asNew('denial-wa-sensitive', { originatorReference: 'X5' }) }),
      400,
      'validation',
    ));
  it('a duplicate originatorReference → 409', async () => {
    await publish('denial-catch-all', { originatorReference: 'DUP-1' });
    await refused(
      post(publishBody('denial-catch-all', { originatorReference: 'DUP-1' })),
      409,
      'conflict',
      '/record/originatorReference',
    );
  });
  it('a broken transition → 409', async () => {
    const r = await publish('denial-catch-all', { originatorReference: 'TR-1' });
    await n.op('POST', `/admin/v1/records/${r.id}/status`, { status: 'WITHDRAWN', reason: 'Issued in error.' });
    await refused(
      () => n.op('POST', `/admin/v1/records/${r.id}/status`, { status: 'REVOKED', reason: 'again' }),
      409,
      'transition',
    );
    await refused(
      () => n.op('POST', `/admin/v1/records/${r.id}/status`, { status: 'REVOKED' }),
      400,
      'validation',
      '/reason',
    );
  });
  it('a renewal that does not move reviewDueOn later → 400', async () => {
    const r = await publish('denial-catch-all', { originatorReference: 'RN-1' });
    await refused(
      () => n.op('POST', `/admin/v1/records/${r.id}/status`, { renew: { reviewDueOn: '2028-05-06' }, reason: 'x' }),
      400,
      'validation',
      '/renew/reviewDueOn',
    );
  });
  it('an amendment that changes a fixed member → 400 naming it', async () => {
    const r = await publish('denial-catch-all', { originatorReference: 'AM-1' });
    await refused(
      () => n.op('PUT', `/admin/v1/records/${r.id}`, { record: { ...r.record, status: 'REVOKED' } }),
      400,
      'validation',
      '/record/status',
    );
    await refused(
      () => n.op('PUT', `/admin/v1/records/${r.id}`, { record: { ...r.record, originatorReference: 'OTHER' } }),
      400,
      'validation',
      '/record/originatorReference',
    );
  });
  it('a stale If-Match → 409', async () => {
    const r = await publish('denial-catch-all', { originatorReference: 'IM-1' });
    await n.op('PUT', `/admin/v1/records/${r.id}`, { record: { ...r.record, statedEndUse: 'Irrigation pumps' } });
    await refused(
      () => n.op('PUT', `/admin/v1/records/${r.id}`, { record: r.record }, undefined, { 'if-match': '"1"' }),
      409,
      'precondition-failed',
    );
    await refused(
      () => n.op('PUT', `/admin/v1/records/${r.id}`, { record: r.record }, undefined, { 'if-match': 'W/"x"' }),
      400,
      'bad-request',
    );
  });
  it('an unknown record id → 404', async () => {
    await refused(
      () =>
        n.op('PUT', '/admin/v1/records/urn:entente:nl-lic-01:denial:00000000-0000-4000-8000-000000000000', {
          record: {},
        }),
      404,
      'not-found',
    );
    await refused(() => n.op('GET', '/admin/v1/records/not-an-id'), 404, 'not-found');
  });
  it('a missing or wrong token → 401, audited as a failed authentication', async () => {
    const failed = () =>
      (n.node.store.db.prepare("SELECT count(*) AS c FROM audit WHERE action = 'auth.failed'").get() as { c: number })
        .c;
    const f0 = failed();
    const r = await fetch(n.node.operatorUrl + '/admin/v1/records', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(publishBody('denial-wa-sensitive')),
    });
    expect(r.status).toBe(401);
    await refused(post(publishBody('denial-wa-sensitive'), {}, 'ent_wrong'), 401, 'unauthorized');
    expect(failed()).toBe(f0 + 2);
  });
  it('a token without the role → 403; a revoked token → 401', async () => {
    const t = await n.op('POST', '/admin/v1/tokens', { name: 'analyst1', role: 'analyst' });
    expect(t.status).toBe(201);
    await refused(
      post(publishBody('denial-wa-sensitive', { originatorReference: 'RL-1' }), {}, t.body.token),
      403,
      'forbidden',
    );
    expect((await n.op('GET', '/admin/v1/records', undefined, t.body.token)).status).toBe(200);
    const list = await n.op('GET', '/admin/v1/tokens');
    expect(JSON.stringify(list.body)).not.toContain(t.body.token);
    expect((await n.op('DELETE', '/admin/v1/tokens/analyst1')).status).toBe(204);
    expect((await n.op('GET', '/admin/v1/records', undefined, t.body.token)).status).toBe(401);
  });
  it('a body above 1 MiB → 413 before parsing', () =>
    refused(post(JSON.stringify({ type: 'denial', record: { pad: 'x'.repeat(1_100_000) } })), 413, 'too-large'));
  it('a canonical record above 240 KiB → 413', async () => {
    const party = (i: number) => ({
      role: 'OTHER',
      party: {
        kind: 'COMPANY',
        names: [
          { value: `Party ${i} ` + 'N'.repeat(480), type: 'PRIMARY' },
          ...Array.from({ length: 9 }, (_, j) => ({ value: `Alias ${i}.${j} ` + 'A'.repeat(480), type: 'ALIAS' })),
        ],
      },
    });
    const body = publishBody('denial-wa-sensitive', {
      originatorReference: 'BIG-1',
      parties: [example('denial-wa-sensitive').parties[0], ...Array.from({ length: 55 }, (_, i) => party(i))],
    });
    const size = JSON.stringify(body).length;
    expect(size).toBeGreaterThan(240 * 1024);
    expect(size).toBeLessThan(1024 * 1024);
    await refused(post(body), 413, 'too-large');
  });
  it('a non-JSON media type or a compressed body → 415', async () => {
    await refused(post('hello', { 'content-type': 'text/plain' }), 415, 'unsupported-media-type');
    await refused(
      post(JSON.stringify(publishBody('denial-wa-sensitive')), { 'content-encoding': 'gzip' }),
      415,
      'unsupported-media-type',
    );
  });
  it('received records are read-only here', async () => {
    // covered with real partners in the exchange tests; here: an own record of another node id does not exist
    await refused(
      () =>
        n.op('POST', '/admin/v1/records/urn:entente:jp-lic-01:denial:00000000-0000-4000-8000-000000000000/status', {
          status: 'REVOKED',
          reason: 'x',
        }),
      404,
      'not-found',
    );
  });
});

describe('search and labels', () => {
  it('filters by type, origin, status, destination, control prefix (normalised), regime and text', async () => {
    const q = async (query: string) =>
      (await n.op('GET', `/admin/v1/records?${query}`)).body.items as {
        id: string;
        record: Record<string, any>;
        labels: string[];
      }[];
    const refs = (items: { record: Record<string, any> }[]) => items.map((i) => i.record.originatorReference);
    expect(refs(await q('destination=AE&type=denial'))).toContain('NL-DU-2025-00417');
    expect(refs(await q('control=3A001'))).toEqual(
      expect.arrayContaining(['NL-DU-2025-00417', 'DE-ZOLL-HH-2025-7781']),
    );
    expect(refs(await q('control=NSG_PART2:3.A'))).toEqual(['FI-NP-25-0007', 'FI-NP-LEAP']);
    expect(refs(await q('regime=AG'))).toEqual(['JP-CB-2022-118']);
    expect(refs(await q('status=REVOKED&type=denial'))).toEqual(expect.arrayContaining(['JP-CB-2022-118']));
    expect(refs(await q('q=Harbourline'))).toEqual(['NL-DU-2025-00417']);
    expect(refs(await q('q=100%25_'))).toEqual([]);
    expect((await q('origin=jp-lic-01')).length).toBe(0);
  });
  it('pages with a stable cursor and clamps the limit', async () => {
    const all = (await n.op('GET', '/admin/v1/records?limit=5000')).body.items.map((i: { id: string }) => i.id);
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = (await n.op('GET', `/admin/v1/records?limit=3${after ? `&after=${after}` : ''}`)).body;
      seen.push(...page.items.map((i: { id: string }) => i.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(all);
    for (const bad of ['limit=0', 'limit=x', 'type=party', 'destination=ae', 'nonsense=1', 'after=!!']) {
      const r = await n.op('GET', `/admin/v1/records?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0].pointer).toMatch(/^\/query\//);
    }
  });
  it('labels review overdue, due soon, and final assessment overdue on reads', async () => {
    const overdue = await publish('denial-catch-all', {
      originatorReference: 'OLD-1',
      decisionDate: '2022-01-10',
      notifiedAt: '2022-01-11T08:00:00Z',
      reviewDueOn: '2025-01-10',
    });
    expect((await n.op('GET', `/admin/v1/records/${overdue.id}`)).body.labels).toEqual(['review-overdue']);
    const today = new Date().toISOString().slice(0, 10);
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const decision = `${Number(soon.slice(0, 4)) - 2}${soon.slice(4)}`;
    const dueSoon = await publish('denial-catch-all', {
      originatorReference: 'SOON-1',
      decisionDate: decision < today ? decision : today,
      notifiedAt: undefined,
      reviewDueOn: soon,
    });
    expect((await n.op('GET', `/admin/v1/records/${dueSoon.id}`)).body.labels).toEqual(['review-due-soon']);
    const fa = await publish('denial-suspension', { originatorReference: 'FA-OVERDUE' });
    expect((await n.op('GET', `/admin/v1/records/${fa.id}`)).body.labels).toEqual(['final-assessment-overdue']);
  });
});

describe('audit', () => {
  it('every publication and change is in the audit chain, which verifies', async () => {
    const actions = (
      n.node.store.db
        .prepare("SELECT action FROM audit WHERE action LIKE 'record.%' OR action LIKE 'token.%'")
        .all() as { action: string }[]
    ).map((a) => a.action);
    expect(new Set(actions)).toEqual(
      new Set([
        'record.publish',
        'record.amend',
        'record.renew',
        'record.status',
        'record.final-assessment',
        'token.create',
        'token.revoke',
        'token.use',
      ]),
    );
    expect(n.node.services.audit.verify().ok).toBe(true);
  });
});
