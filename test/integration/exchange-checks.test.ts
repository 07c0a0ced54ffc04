// Brief §6.7: each receiver check refuses a bad batch with its status, and nothing of it is stored;
// quarantined items advance the stream and are listed in the receipt.
import { randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { generateSigningKey, privateKeyObject, publicJwk, thumbprint } from '../../node/src/crypto/keys.js';
import { schemas } from '../../node/src/schema/registry.js';
import { agreement, push } from '../helpers/exchange.js';
import { example, publishBody } from '../helpers/examples.js';
import {
  expectedAt,
  jwsOver,
  payloadHash,
  releasePayload,
  signingKeyOf,
  type SigningMaterial,
} from '../helpers/forge.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
let c: TestNode;
let keyA: SigningMaterial;

beforeAll(async () => {
  [a, b, c] = await Promise.all([
    startTestNode('nl-lic-01', { country: 'NL', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } }),
    startTestNode('de-enf-01', { country: 'DE', sync: { autoStart: false } }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await link(c, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await push(a, b); // the statement at seq 1
  await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
  await push(a, b);
  keyA = signingKeyOf(a);
});
afterAll(stopAll);

function evidence(): { inbound: number; versions: number; stream: unknown } {
  const db = b.node.store.db;
  return {
    inbound: (db.prepare('SELECT count(*) AS n FROM inbound').get() as { n: number }).n,
    versions: (db.prepare('SELECT count(*) AS n FROM record_versions').get() as { n: number }).n,
    stream: db
      .prepare("SELECT stream, next_seq, last_hash, last_iat FROM in_streams WHERE partner = 'nl-lic-01'")
      .get(),
  };
}

async function send(from: TestNode, items: string[]) {
  const client = from.clientTo(b);
  try {
    const r = await client.call('POST', '/v1/inbox', { items });
    return { status: r.status, body: r.body.length ? r.json<any>() : undefined, headers: r.headers };
  } finally {
    await client.close();
  }
}

function recordRelease(overrides: Record<string, unknown> = {}, recordOverrides: Record<string, unknown> = {}) {
  const pos = expectedAt(b, 'nl-lic-01');
  const record = {
    ...example('denial-nsg-withheld'),
    id: 'urn:entente:nl-lic-01:denial:216cc1c6-4482-4f4d-befd-6ab7b110035a',
    originatorNodeId: 'nl-lic-01',
    originatorCountry: 'NL',
    ...recordOverrides,
  };
  return releasePayload(
    a,
    b,
    pos,
    'record',
    { record, redacted: [] },
    { agreement: { reference: 'NL-JP-2025-01', version: 1 }, ...overrides },
  );
}

async function refused(items: string[], status: number, from: TestNode = a) {
  const before = evidence();
  const r = await send(from, items);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(evidence()).toEqual(before);
  return r;
}

describe('receiver checks, in order, refusing the whole batch', () => {
  it('1: an item whose iss is another partner → 403, before any 409', async () => {
    const stale = { ...recordRelease(), seq: 1 }; // would be a 409
    const foreign = { ...recordRelease(), iss: 'de-enf-01' };
    const r = await refused([jwsOver(keyA, canonicalString(stale)), jwsOver(keyA, canonicalString(foreign))], 403);
    expect(JSON.stringify(r.body)).not.toMatch(/de-enf-01|nl-lic-01/);
    // C (a registered partner) cannot speak for A either
    await refused([jwsOver(signingKeyOf(c), canonicalString({ ...recordRelease(), iss: 'nl-lic-01' }))], 403, c);
  });
  it('2: an unknown header member, another alg, another typ → 422', async () => {
    const text = canonicalString(recordRelease());
    await refused([jwsOver(keyA, text, { alg: 'EdDSA', kid: keyA.kid, typ: 'entente-release+jws', cty: 'x' })], 422);
    await refused([jwsOver(keyA, text, { alg: 'ES256', kid: keyA.kid, typ: 'entente-release+jws' })], 422);
    await refused([jwsOver(keyA, text, { alg: 'EdDSA', kid: keyA.kid, typ: 'entente-receipt+jws' })], 422);
    await refused(['not.a.jws!'], 422);
  });
  it('2: a duplicate header member ({"alg":"none","alg":"EdDSA",…}, which reads as EdDSA) → 422', async () => {
    const text = canonicalString(recordRelease());
    const h = Buffer.from(`{"alg":"none","alg":"EdDSA","kid":"${keyA.kid}","typ":"entente-release+jws"}`).toString(
      'base64url',
    );
    const p = Buffer.from(text).toString('base64url');
    const r = await refused([`${h}.${p}.${sign(null, Buffer.from(`${h}.${p}`), keyA.key).toString('base64url')}`], 422);
    expect(r.body.detail).toMatch(/duplicate member/);
  });
  it('3: an unregistered kid → 422', async () => {
    await refused(
      [
        jwsOver(keyA, canonicalString(recordRelease()), {
          alg: 'EdDSA',
          kid: 'A'.repeat(43),
          typ: 'entente-release+jws',
        }),
      ],
      422,
    );
  });
  it("4: a signature that does not verify → 422 (signed by another key under A's kid)", async () => {
    const other = signingKeyOf(c);
    await refused([jwsOver({ kid: keyA.kid, key: other.key }, canonicalString(recordRelease()))], 422);
  });
  it('4, in a batch large enough to be checked on two threads: a bad signature in either half → 422 naming it; the good batch is accepted', async () => {
    const chain = (bad: number | null) => {
      const pos = expectedAt(b, 'nl-lic-01');
      const other = signingKeyOf(c);
      const items: string[] = [];
      for (let k = 0; k < 40; k++) {
        const payload = recordRelease(
          { seq: pos.seq + k, prev: pos.prev },
          { id: `urn:entente:nl-lic-01:denial:${randomUUID()}` },
        );
        items.push(jwsOver(k === bad ? { kid: keyA.kid, key: other.key } : keyA, canonicalString(payload)));
        pos.prev = payloadHash(payload);
      }
      return items;
    };
    for (const bad of [5, 30]) {
      const before = evidence();
      const r = await send(a, chain(bad));
      expect(r.status).toBe(422);
      expect(r.body.detail).toMatch(new RegExp(`^item ${bad}: signature`));
      expect(evidence()).toEqual(before);
    }
    const before = evidence();
    const r = await send(a, chain(null));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(evidence().versions).toBe(before.versions + 40);
  });
  it('5: a float, a duplicate key, non-canonical text, an unknown envelope member → 422', async () => {
    const text = canonicalString(recordRelease());
    await refused([jwsOver(keyA, text.replace('"lineNo":1', '"lineNo":1.0'))], 422);
    await refused([jwsOver(keyA, text.replace('{"agreement"', '{"aud":"jp-lic-01","agreement"'))], 422);
    await refused([jwsOver(keyA, JSON.stringify(JSON.parse(text), null, 2))], 422);
    await refused([jwsOver(keyA, canonicalString({ ...recordRelease(), note: 'hi' }))], 422);
  });
  it('5: a release over maxReleaseBytes (320 KiB) in an otherwise valid batch → 422 with the reason, not 400 from the body schema', async () => {
    const { payloadHash } = await import('../helpers/forge.js');
    const first = recordRelease();
    const pos = { ...expectedAt(b, 'nl-lic-01'), seq: first.seq + 1, prev: payloadHash(first) };
    const big = releasePayload(
      a,
      b,
      pos,
      'record',
      {
        record: {
          ...first.record,
          id: 'urn:entente:nl-lic-01:denial:44444444-4444-4444-8444-444444444444',
          statedEndUse: 'x'.repeat(320 * 1024),
        },
        redacted: [],
      },
      { agreement: first.agreement },
    );
    const r = await refused([jwsOver(keyA, canonicalString(first)), jwsOver(keyA, canonicalString(big))], 422);
    expect(r.body.detail).toBe('item 1: too-large: payload exceeds 262144 bytes');
  });
  it('6: aud is not this node → 422', async () => {
    await refused([jwsOver(keyA, canonicalString({ ...recordRelease(), aud: 'de-enf-01' }))], 422);
  });
  it('7: seq not the expected one → 409 with {expected, receipt}', async () => {
    const pos = expectedAt(b, 'nl-lic-01');
    const r = await refused([jwsOver(keyA, canonicalString({ ...recordRelease(), seq: pos.seq + 1 }))], 409);
    expect(r.body.expected).toEqual({ stream: pos.stream, seq: pos.seq });
    expect(typeof r.body.receipt).toBe('string');
  });
  it('8: prev that does not match → 422 and a fork alarm', async () => {
    await refused([jwsOver(keyA, canonicalString({ ...recordRelease(), prev: 'A'.repeat(43) }))], 422);
    expect(b.node.services.alarms.list('nl-lic-01').map((x) => x.kind)).toContain('fork');
  });
  it('9: iat more than 300 s ahead → 503 with Retry-After and a skew alarm', async () => {
    const r = await refused(
      [jwsOver(keyA, canonicalString({ ...recordRelease(), iat: Math.floor(Date.now() / 1000) + 3600 }))],
      503,
    );
    expect(r.headers['retry-after']).toBeDefined();
    expect(b.node.services.alarms.list('nl-lic-01').map((x) => x.kind)).toContain('skew');
  });
  it('10: iat going backwards → 422', async () => {
    const pos = expectedAt(b, 'nl-lic-01');
    await refused([jwsOver(keyA, canonicalString({ ...recordRelease(), iat: pos.iat - 10 }))], 422);
  });
  it('11: a record of another originator, a foreign tombstone, a statement for another partner → 422', async () => {
    await refused([jwsOver(keyA, canonicalString(recordRelease({}, { originatorNodeId: 'de-enf-01' })))], 422);
    const pos = expectedAt(b, 'nl-lic-01');
    await refused(
      [
        jwsOver(
          keyA,
          canonicalString(
            releasePayload(a, b, pos, 'tombstone', {
              tombstone: {
                ref: { id: 'urn:entente:de-enf-01:finding:e759aaa2-1397-46ff-94f5-cd619452c751', version: 1 },
                reason: 'recalled',
              },
            }),
          ),
        ),
      ],
      422,
    );
    const stmt = { ...agreement('agreement-wide', 'de-enf-01'), version: 1 };
    await refused(
      [jwsOver(keyA, canonicalString(releasePayload(a, b, pos, 'statement', { statement: { agreement: stmt } })))],
      422,
    );
  });
  it('a signature-segment mutation of an already-held release is a duplicate, not a new item', async () => {
    const held = (
      b.node.store.db
        .prepare("SELECT jws FROM inbound WHERE partner = 'nl-lic-01' ORDER BY seq DESC LIMIT 1")
        .get() as { jws: string }
    ).jws;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const i = alphabet.indexOf(held.at(-1)!);
    const mutated = held.slice(0, -1) + alphabet[(i & ~3) | ((i + 1) & 3)];
    expect(mutated).not.toBe(held);
    const r = await refused([mutated], 409);
    expect(r.body.expected.seq).toBe(expectedAt(b, 'nl-lic-01').seq);
  });
  it('an empty batch returns the current receipt', async () => {
    const r = await send(a, []);
    expect(r.status).toBe(200);
    expect(typeof r.body.receipt).toBe('string');
  });
});

describe('quarantine: the stream moves on, the receipt lists it, nothing becomes searchable', () => {
  it('a schema-invalid record, TLP:RED, an unknown kind', async () => {
    const before = (await b.op('GET', '/admin/v1/records?origin=nl-lic-01')).body.items.length;
    let pos = expectedAt(b, 'nl-lic-01');
    const bad = releasePayload(a, b, pos, 'record', {
      record: { ...recordRelease().record, waTier: 'SENSITIVE' },
      redacted: [],
    });
    pos = { ...pos, seq: pos.seq + 1, prev: (await import('../helpers/forge.js')).payloadHash(bad) };
    const red = releasePayload(a, b, pos, 'record', {
      record: {
        ...recordRelease().record,
        id: 'urn:entente:nl-lic-01:denial:11111111-1111-4111-8111-111111111111',
        handling: { ...recordRelease().record.handling, tlp: 'RED' },
      },
      redacted: [],
    });
    pos = { ...pos, seq: pos.seq + 1, prev: (await import('../helpers/forge.js')).payloadHash(red) };
    const unknown = releasePayload(a, b, pos, 'gossip', { gossip: { hello: 'world' } });
    const r = await send(
      a,
      [bad, red, unknown].map((p) => jwsOver(keyA, canonicalString(p))),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const receipt = JSON.parse(Buffer.from(r.body.receipt.split('.')[1], 'base64url').toString());
    expect(receipt.rejected).toEqual([
      { seq: bad.seq, reason: 'schema:/waTier' },
      { seq: red.seq, reason: 'tlp-red' },
      { seq: unknown.seq, reason: 'unknown-kind' },
    ]);
    expect(receipt.upTo).toBe(unknown.seq);
    expect((await b.op('GET', '/admin/v1/records?origin=nl-lic-01')).body.items.length).toBe(before);
    expect(expectedAt(b, 'nl-lic-01').seq).toBe(unknown.seq + 1);
  });

  it('equivocation: the same version with another digest is kept as evidence, the first stays', async () => {
    // (the forged batch above moved B past A's real head, so both versions are forged here, with A's real key)
    const { payloadHash } = await import('../helpers/forge.js');
    const id = 'urn:entente:nl-lic-01:denial:22222222-2222-4222-8222-222222222222';
    let pos = expectedAt(b, 'nl-lic-01');
    const first = releasePayload(a, b, pos, 'record', { record: { ...recordRelease().record, id }, redacted: [] });
    pos = { ...pos, seq: pos.seq + 1, prev: payloadHash(first) };
    const second = releasePayload(a, b, pos, 'record', {
      record: { ...recordRelease().record, id, statedEndUse: 'Something else entirely' },
      redacted: [],
    });
    const r = await send(
      a,
      [first, second].map((p) => jwsOver(keyA, canonicalString(p))),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const receipt = JSON.parse(Buffer.from(r.body.receipt.split('.')[1], 'base64url').toString());
    expect(receipt.rejected).toEqual([{ seq: second.seq, reason: 'equivocation' }]);
    const d = (await b.op('GET', `/admin/v1/records/${id}`)).body;
    expect(d.current.record.statedEndUse).toBe(first.record.statedEndUse);
    const evidenceRows = b.node.store.db
      .prepare(
        "SELECT outcome, reason FROM inbound WHERE partner = 'nl-lic-01' AND kind = 'record' ORDER BY seq DESC LIMIT 2",
      )
      .all();
    expect(evidenceRows).toEqual([
      { outcome: 'rejected', reason: 'equivocation' },
      { outcome: 'accepted', reason: null },
    ]);
    expect(b.node.services.alarms.list('nl-lic-01').map((x) => x.kind)).toContain('equivocation');
  });

  it("a quarantine reason quoting the partner's text is cut to what a receipt may carry (300 code points, no control characters)", async () => {
    const name = '\u0007' + 'n'.repeat(1000);
    const bad = recordRelease(
      {},
      { id: 'urn:entente:nl-lic-01:denial:55555555-5555-4555-8555-555555555555', [name]: 1 },
    );
    const r = await send(a, [jwsOver(keyA, canonicalString(bad))]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const receipt = JSON.parse(Buffer.from(r.body.receipt.split('.')[1], 'base64url').toString());
    expect(receipt.rejected).toHaveLength(1);
    expect(Array.from(receipt.rejected[0].reason as string)).toHaveLength(300);
    expect(receipt.rejected[0].reason).toMatch(/^schema:\/\?n+…$/);
    expect(schemas().validate('receipt-payload', receipt)).toEqual([]);
  });

  it('a statement announcing a signing key whose kid is not its RFC 7638 thumbprint is quarantined; the key never verifies anything', async () => {
    const { payloadHash } = await import('../helpers/forge.js');
    const rogue = generateSigningKey();
    const announced = {
      ...publicJwk(rogue),
      kid: thumbprint({ crv: 'Ed25519', kty: 'OKP', x: publicJwk(generateSigningKey()).x }),
    };
    const theirAgreement = JSON.parse(b.node.store.exchange.latestStatementIn('nl-lic-01')!.agreement!);
    let pos = expectedAt(b, 'nl-lic-01');
    const statement = releasePayload(a, b, pos, 'statement', {
      statement: { agreement: theirAgreement, keys: { keys: [announced] } },
    });
    const r = await send(a, [jwsOver(keyA, canonicalString(statement))]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const receipt = JSON.parse(Buffer.from(r.body.receipt.split('.')[1], 'base64url').toString());
    expect(receipt.rejected).toEqual([{ seq: statement.seq, reason: 'schema:/statement/keys/keys/0/kid' }]);
    expect(b.node.store.partners.keys('nl-lic-01').map((k) => k.kid)).not.toContain(announced.kid);
    expect(b.node.services.alarms.list('nl-lic-01').map((x) => x.kind)).toContain('announced-refused');
    // a release signed with the rogue key under the announced kid is refused at check 3
    pos = { ...expectedAt(b, 'nl-lic-01') };
    expect(pos.prev).toBe(payloadHash(statement));
    const forged = jwsOver(
      { kid: announced.kid, key: privateKeyObject(rogue) },
      canonicalString(recordRelease({}, { id: 'urn:entente:nl-lic-01:denial:33333333-3333-4333-8333-333333333333' })),
    );
    const refusedItem = await refused([forged], 422);
    expect(refusedItem.body.detail).toMatch(/unknown-kid/);
  });

  it('the real sender, now behind what B expects, stops pushing and alarms (sender-behind)', async () => {
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    const out = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound;
    expect(out.blocked).toMatch(/sender-behind/);
    expect(a.node.services.alarms.list('jp-lic-01').map((x) => x.kind)).toContain('sender-behind');
  });
});

describe("a conforming pusher (this node's SyncManager) stops on a 422, and does not retry", () => {
  it("C's stream holds a release over maxReleaseBytes: B answers 422, C blocks the link with a push-stopped alarm, and sends nothing more", async () => {
    const keyC = signingKeyOf(c);
    const s = c.node.store.exchange.outStream('jp-lic-01')!;
    const payload = {
      iss: 'de-enf-01',
      aud: 'jp-lic-01',
      stream: s.stream,
      seq: s.head_seq + 1,
      prev: s.head_hash,
      iat: Math.max(s.head_iat, Math.floor(Date.now() / 1000)),
      kind: 'record',
      agreement: null,
      record: { pad: 'x'.repeat(300 * 1024) },
      redacted: [],
    };
    const text = canonicalString(payload);
    c.node.store.tx(() => {
      c.node.store.exchange.insertRelease({
        stream: s.stream,
        seq: payload.seq,
        partner: 'jp-lic-01',
        kind: 'record',
        iat: payload.iat,
        hash: payloadHash(payload),
        jws: jwsOver(keyC, text),
        record_id: null,
        record_version: null,
        pub_seq: null,
        created_at: new Date().toISOString(),
      });
      c.node.store.exchange.updateOutStream('jp-lic-01', {
        head_seq: payload.seq,
        head_hash: payloadHash(payload),
        head_iat: payload.iat,
      });
    });
    const refusals = () =>
      (
        b.node.store.db
          .prepare("SELECT count(*) AS n FROM audit WHERE action = 'ingest.refused' AND subject = 'de-enf-01'")
          .get() as { n: number }
      ).n;
    const before = refusals();
    await c.node.services.links.flush('jp-lic-01');
    const out = (await c.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound;
    expect(out.blocked).toMatch(/^push refused with 422: item \d+: too-large: payload exceeds 262144 bytes/);
    expect(c.node.services.alarms.list('jp-lic-01').map((x) => x.kind)).toContain('push-stopped');
    expect(refusals()).toBe(before + 1);
    // no retry: waking the link or flushing again sends nothing while the operator has not acted
    c.node.services.links.wake('jp-lic-01');
    await c.node.services.links.flush('jp-lic-01');
    expect(c.node.services.links.health('jp-lic-01')).toMatchObject({ nextAttemptInMs: 0, breaker: 'closed' });
    expect(refusals()).toBe(before + 1);
  });
});
