// Issue 5 §5: no leaks by side channel. The TLS CertificateRequest names no agency; a partner that
// must not see a record finds no trace of it in its logs or metrics; one partner's stream position is
// useless to another.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../node/src/log.js';
import { agreement, dbDump, pull, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
let b: TestNode;
let c: TestNode;
const cLogs: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _e, cb) {
      cLogs.push(String(chunk));
      cb();
    },
  });
  [a, b, c] = await Promise.all([
    startTestNode('nl-lic-01', { name: 'Netherlands Dual-Use Licensing Authority', sync: { autoStart: false } }),
    startTestNode('jp-lic-01', { name: 'Japan Export Licensing', sync: { autoStart: false } }),
    startTestNode('de-enf-01', {
      name: 'German Customs Enforcement',
      sync: { autoStart: false },
      log: createLogger({ level: 'debug', destination: sink }),
    }),
  ]);
  await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-01') });
  await link(a, c, {
    aToB: agreement('agreement-redacting', 'de-enf-01', {
      share: { denial: { maxTlp: 'GREEN' }, embargoHours: 0, backfill: true },
    }),
  });
});
afterAll(stopAll);

describe('side channels', () => {
  it('the TLS CertificateRequest names only non-identifying CAs', async () => {
    // asynchronous: this process also serves the TLS endpoint openssl connects to
    const out = await new Promise<string>((resolve) => {
      const p = spawn(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${a.node.federationPort}`, '-tls1_3', '-servername', 'localhost'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      p.stdout.on('data', (x) => (text += x));
      p.stderr.on('data', (x) => (text += x));
      p.on('close', () => resolve(text));
    });
    const section =
      /Acceptable client certificate CA names\n([\s\S]*?)\n(?:Requested|Client Certificate Types|Shared|Peer signing)/.exec(
        out,
      );
    expect(section, out.slice(0, 2000)).not.toBeNull();
    const names = section![1]!
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(names.length).toBe(2); // the two partners' CAs
    for (const n of names) expect(n).toMatch(/^CN = entente-ca-[0-9a-f]{16}$/);
    expect(out).not.toMatch(/Japan|German|Netherlands|jp-lic|de-enf/);
  });

  it('a partner that must not see a record finds it nowhere: feed, database, logs, metrics', async () => {
    const canary = 'CANARY-SIDE-3f9d';
    const r = await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { reasonNarrative: canary }));
    await push(a, b);
    await push(a, c);
    await pull(c, a);
    const metrics = String((await c.op('GET', '/metrics')).body);
    for (const place of [dbDump(c), cLogs.join(''), metrics]) {
      expect(place).not.toContain(canary);
      expect(place).not.toContain(r.body.id);
    }
    expect(dbDump(b)).toContain(canary);
  });

  it("one partner's stream position is useless to another: the feed has no stream parameter and answers per peer", async () => {
    const bStream = a.node.store.exchange.outStream('jp-lic-01')!.stream;
    const client = c.clientTo(a);
    const withStream = await client.call('GET', `/v1/feed?after=0&stream=${bStream}`);
    expect(withStream.status).toBe(400);
    const own = (await client.call('GET', '/v1/feed?after=0&limit=1000')).json<{ stream: string; items: string[] }>();
    expect(own.stream).not.toBe(bStream);
    expect(JSON.stringify(own)).not.toContain(bStream);
    await client.close();
  });
});
