// Brief §3.5: a new signing key (or TLS pin) is announced in statements and used only once every
// partner's receipt covers the announcement; a partner offline through the rotation catches up.
import { afterAll, describe, expect, it } from 'vitest';
import { agreement, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

afterAll(stopAll);

function kidOfLatest(receiver: TestNode, sender: string): string {
  const row = receiver.node.store.db
    .prepare(
      "SELECT jws FROM inbound WHERE partner = ? AND kind = 'record' ORDER BY received_at DESC, seq DESC LIMIT 1",
    )
    .get(sender) as { jws: string };
  return JSON.parse(Buffer.from(row.jws.split('.')[0]!, 'base64url').toString()).kid;
}

describe('key rotation', () => {
  it('signing key: announced, held back until every partner acknowledged, then used; an offline partner catches up', async () => {
    const a = await startTestNode('nl-lic-01', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-01', { country: 'JP', sync: { autoStart: false } });
    const c = await startTestNode('de-enf-01', { country: 'DE', sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
    await link(a, c, { aToB: agreement('agreement-wide', 'de-enf-01') });
    await push(a, b);
    await push(a, c);
    const oldKid = a.bundle.keys.keys[0]!.kid;
    await c.stop(); // offline through the rotation
    const r = await cli(['keys', 'rotate', '--dir', a.dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rot = JSON.parse(r.stdout);
    expect(rot.waitingFor.sort()).toEqual(['de-enf-01', 'jp-lic-01']);
    await push(a, b);
    // B registered the announced key, with an audit entry and an alarm
    expect(
      b.node.services.partners
        .trust()
        .get('nl-lic-01')!
        .keys.map((k) => k.kid),
    ).toContain(rot.id);
    expect(b.node.services.alarms.list('nl-lic-01').map((x) => x.kind)).toContain('announced');
    // C has not acknowledged: A still signs with the old key
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    await push(a, b);
    expect(kidOfLatest(b, 'nl-lic-01')).toBe(oldKid);
    expect((await a.op('GET', '/admin/v1/keys')).body).toMatchObject({
      current: oldKid,
      pending: [{ kind: 'signing', id: rot.id, waitingFor: ['de-enf-01'] }],
    });
    // C comes back, receives the statement and everything after it, acknowledges: A switches
    await c.restart({ sync: { autoStart: false } });
    await push(a, c);
    expect((await a.op('GET', '/admin/v1/keys')).body).toMatchObject({ current: rot.id, pending: [] });
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    await push(a, c);
    expect(kidOfLatest(b, 'nl-lic-01')).toBe(rot.id);
    expect(kidOfLatest(c, 'nl-lic-01')).toBe(rot.id);
    expect((await receivedAt(c, 'nl-lic-01')).length).toBe(2);
    // the node's published keys and its bundle now list both
    const info = await b.clientTo(a).call('GET', '/v1/node');
    expect(info.json<{ keys: { keys: { kid: string }[] } }>().keys.keys.map((k) => k.kid)).toEqual([oldKid, rot.id]);
  });

  it('TLS key: the new pin is announced, then the node serves and connects with the new certificate', async () => {
    const a = await startTestNode('nl-lic-02', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-02', { country: 'JP', sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-02'),
      bToA: agreement('agreement-wide', 'nl-lic-02'),
    });
    await push(a, b);
    await push(b, a);
    const rot = (await a.op('POST', '/admin/v1/keys/rotate', { tls: true })).body;
    expect(rot.kind).toBe('tls');
    await push(a, b); // B learns the pin; its receipt lets A switch
    expect(b.node.services.partners.trust().get('nl-lic-02')!.pins.has(rot.id)).toBe(true);
    expect((await a.op('GET', '/admin/v1/keys')).body.pending).toEqual([]);
    // A now connects and serves with the new key; B accepts it because the pin was announced
    await a.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(a, b);
    expect((await receivedAt(b, 'nl-lic-02')).length).toBe(1);
    await b.op('POST', '/admin/v1/records', publishBody('finding-seizure'));
    await push(b, a);
    expect((await receivedAt(a, 'jp-lic-02')).length).toBe(1);
  });
});
