// Streams across restarts and operator actions (docs/protocol.md §6.5, §6.6, §6.9).
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeCert } from '../../node/src/crypto/certs.js';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { agreement, pull, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { expectedAt, jwsOver, releasePayload, signingKeyOf } from '../helpers/forge.js';
import { link, startTestNode, stopAll, tempDir } from '../helpers/nodes.js';

afterAll(stopAll);

async function publishN(
  node: Awaited<ReturnType<typeof startTestNode>>,
  n: number,
  prefix: string,
  name = 'denial-nsg-withheld',
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await node.op('POST', '/admin/v1/records', publishBody(name, { originatorReference: `${prefix}-${i}` }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids.push(r.body.id);
  }
  return ids;
}

function inboundSeqs(node: Awaited<ReturnType<typeof startTestNode>>, partner: string): number[] {
  return (
    node.node.store.db.prepare('SELECT seq FROM inbound WHERE partner = ? ORDER BY seq').all(partner) as {
      seq: number;
    }[]
  ).map((r) => r.seq);
}

describe('materialisation window', () => {
  it('an agreement narrowed while a partner lags stops what was not yet materialised', async () => {
    const a = await startTestNode('nl-lic-01', {
      country: 'NL',
      sync: { autoStart: false },
      configure: (c) => (c.sync = { materialisationWindow: 2 }),
    });
    const b = await startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
    // B has not acknowledged anything: only the first W releases are materialised at publication
    const ids = await publishN(a, 5, 'LAG');
    const out = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync.outbound;
    expect(out.head).toBe(2); // statement + one record
    expect(out.notYetMaterialised).toBe(4);
    await a.op(
      'PUT',
      '/admin/v1/partners/jp-lic-01/agreement',
      agreement('agreement-wide', 'jp-lic-01', {
        share: { denial: { maxTlp: 'AMBER' }, embargoHours: 0, backfill: false },
      }),
    );
    await push(a, b);
    expect((await receivedAt(b, 'nl-lic-01')).map((i) => i.id)).toEqual([ids[0]]);
  });
});

describe('outage and catch-up', () => {
  it('B stopped while A publishes catches up in order, exactly once', async () => {
    const a = await startTestNode('nl-lic-02', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-02', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-02') });
    await push(a, b);
    await b.stop();
    const ids = await publishN(a, 30, 'OUT');
    await push(a, b); // fails: B is down
    const health = (await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync;
    expect(health.link.lastPushError).toMatch(/network/);
    expect(health.outbound.queued).toBeGreaterThan(0);
    await b.restart();
    a.node.services.partners.trust(); // trust is unchanged; the agent reconnects
    await push(a, b);
    const got = await receivedAt(b, 'nl-lic-02');
    expect(got.map((i) => i.id).sort()).toEqual([...ids].sort());
    const seqs = inboundSeqs(b, 'nl-lic-02');
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(new Set(seqs).size).toBe(seqs.length);
    const out = (await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync.outbound;
    expect(out.lastReceiptUpTo).toBe(out.head);
  });

  it('a receiver restored from an older backup is re-sent from its expected seq (identical bytes)', async () => {
    const a = await startTestNode('nl-lic-03', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-03', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-03') });
    const first = await publishN(a, 3, 'BK1');
    await push(a, b);
    const backup = join(tempDir(), 'b-backup.db');
    await b.node.store.db.backup(backup);
    const later = await publishN(a, 4, 'BK2'); // delivered after the backup point
    await push(a, b);
    const jwsBefore = b.node.store.db
      .prepare("SELECT seq, jws FROM inbound WHERE partner = 'nl-lic-03' ORDER BY seq")
      .all();
    await b.stop();
    for (const ext of ['', '-wal', '-shm']) rmSync(b.config.files.database + ext, { force: true });
    copyFileSync(backup, b.config.files.database);
    await b.restart();
    expect((await receivedAt(b, 'nl-lic-03')).length).toBe(3);
    const more = await publishN(a, 1, 'BK3');
    await push(a, b);
    const got = (await receivedAt(b, 'nl-lic-03')).map((i) => i.id).sort();
    expect(got).toEqual([...first, ...later, ...more].sort());
    expect(a.node.services.alarms.list('jp-lic-03').map((x) => x.kind)).toContain('receiver-restored');
    const jwsAfter = b.node.store.db
      .prepare("SELECT seq, jws FROM inbound WHERE partner = 'nl-lic-03' ORDER BY seq")
      .all() as { seq: number; jws: string }[];
    expect(jwsAfter.slice(0, jwsBefore.length)).toEqual(jwsBefore);
  });
});

describe('stream reset', () => {
  it('starts a new stream that the receiver accepts only at seq 1, then refuses the old one', async () => {
    const a = await startTestNode('nl-lic-04', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-04', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-04') });
    const ids = await publishN(a, 2, 'RS');
    await push(a, b);
    const old = expectedAt(b, 'nl-lic-04');
    const reset = await a.op('POST', '/admin/v1/streams/jp-lic-04/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.stream).not.toBe(old.stream);
    // a release on the new stream that is not seq 1 is refused
    const key = signingKeyOf(a);
    const client = a.clientTo(b);
    const notFirst = releasePayload(
      a,
      b,
      { stream: reset.body.stream, seq: 2, prev: 'A'.repeat(43), iat: old.iat },
      'statement',
      { statement: { agreement: null } },
    );
    expect((await client.call('POST', '/v1/inbox', { items: [jwsOver(key, canonicalString(notFirst))] })).status).toBe(
      409,
    );
    await push(a, b);
    const now = expectedAt(b, 'nl-lic-04');
    expect(now.stream).toBe(reset.body.stream);
    // backfill re-sent the current versions on the new stream
    const onNew = b.node.store.db
      .prepare("SELECT count(*) AS n FROM inbound WHERE partner = 'nl-lic-04' AND stream = ? AND kind = 'record'")
      .get(reset.body.stream) as { n: number };
    expect(onNew.n).toBe(ids.length);
    // the old stream is retired
    const stale = releasePayload(a, b, old, 'statement', { statement: { agreement: null } });
    const r = await client.call('POST', '/v1/inbox', { items: [jwsOver(key, canonicalString(stale))] });
    expect(r.status).toBe(409);
    expect(b.node.services.alarms.list('nl-lic-04').map((x) => x.kind)).toEqual(
      expect.arrayContaining(['new-stream', 'old-stream']),
    );
    await client.close();
  });
});

describe('delivery and pinning', () => {
  it('delivery "pull": the sender does not push; the receiver pulls its feed', async () => {
    const a = await startTestNode('nl-lic-05', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-05', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-05', { delivery: 'pull' }) });
    const ids = await publishN(a, 2, 'PL');
    await push(a, b);
    expect(await receivedAt(b, 'nl-lic-05')).toEqual([]);
    expect(b.node.services.links.pulls('nl-lic-05')).toBe(true);
    await pull(b, a);
    expect((await receivedAt(b, 'nl-lic-05')).map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(a.node.services.links.pushes('jp-lic-05')).toBe(false);
  });

  it('delivery "pull" after the sender resets its stream: the puller reads the new stream from seq 1', async () => {
    const a = await startTestNode('nl-lic-07', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-07', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-07', { delivery: 'pull' }) });
    const first = await publishN(a, 2, 'PR');
    await pull(b, a);
    expect((await receivedAt(b, 'nl-lic-07')).map((i) => i.id).sort()).toEqual([...first].sort());
    expect((await a.op('POST', '/admin/v1/streams/jp-lic-07/reset')).status).toBe(200);
    // the new stream grows past the receiver's old position (2) before the next pull
    const later = await publishN(a, 3, 'PS');
    await pull(b, a);
    const stream = (b.node.store.db
      .prepare('SELECT stream, next_seq FROM in_streams WHERE partner = ?')
      .get('nl-lic-07') ?? {}) as { stream?: string; next_seq?: number };
    expect(stream.next_seq).toBeGreaterThan(3);
    expect((await receivedAt(b, 'nl-lic-07')).map((i) => i.id).sort()).toEqual([...first, ...later].sort());
  });

  it('refuses to push to or pull from a partner server whose key is not pinned', async () => {
    const a = await startTestNode('nl-lic-06', { country: 'NL', sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-06', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-06'),
      bToA: agreement('agreement-wide', 'nl-lic-06'),
    });
    await push(a, b);
    // B's TLS key changes without a new bundle or announced pin
    const renewed = createNodeCert(b.ca, { nodeId: 'jp-lic-06', hosts: ['localhost', '127.0.0.1'] });
    b.secrets = { ...b.secrets, tlsCertPem: renewed.certPem, tlsKeyPem: renewed.keyPem };
    await b.restart();
    await publishN(a, 1, 'PIN');
    await push(a, b);
    const link1 = (await a.op('GET', '/admin/v1/partners/jp-lic-06')).body.sync.link;
    expect(link1.lastPushError).toMatch(/not pinned/);
    expect(await receivedAt(b, 'nl-lic-06')).toEqual([]);
    await publishN(b, 1, 'PIN-B');
    await pull(a, b);
    expect(await receivedAt(a, 'jp-lic-06')).toEqual([]);
  });
});
