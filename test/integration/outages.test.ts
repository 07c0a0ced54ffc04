// Issue 5 §2: outages and restores. Retry bounds and the circuit breaker are pure and tested as such;
// a network cut in the middle of a batch (a TCP proxy that drops connections) loses nothing; a sender
// restored from a backup stops, alarms, re-anchors and delivers what it published after the restore.
import { copyFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, CircuitBreaker } from '../../node/src/exchange/links/backoff.js';
import { bundleFingerprint } from '../../node/src/exchange/bundle.js';
import { agreement, push, receivedAt } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { link, startTestNode, stopAll, tempDir } from '../helpers/nodes.js';

afterAll(stopAll);

describe('retry policy', () => {
  it('full-jitter delays stay within [0, min(cap, base·2^n)]', () => {
    for (let n = 0; n < 40; n++) {
      for (const r of [0, 0.5, 0.999999]) {
        const d = backoffDelay(n, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(backoffCeiling(n));
      }
    }
    expect(backoffCeiling(0)).toBe(500);
    expect(backoffCeiling(30)).toBe(300_000);
  });
  it('the circuit breaker opens after the threshold, half-opens after the cooldown, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker(() => now, 3, 1000);
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.canAttempt()).toBe(false);
    now = 1000;
    expect(b.state).toBe('half-open');
    b.failure();
    expect(b.state).toBe('open');
    now = 2500;
    b.success();
    expect(b.state).toBe('closed');
  });
});

describe('network cut mid-batch', () => {
  it('a proxy that drops the first connections mid-upload loses nothing and duplicates nothing', async () => {
    const a = await startTestNode('nl-lic-01', { sync: { autoStart: false, breakerThreshold: 50 } });
    const b = await startTestNode('jp-lic-01', { sync: { autoStart: false } });
    // a TCP proxy in front of B that cuts the first three connections after 64 KiB from A
    let cut = 3;
    const proxy = createServer((client: Socket) => {
      const upstream = createConnection(b.node.federationPort, '127.0.0.1');
      let sent = 0;
      const dropThis = cut-- > 0;
      client.on('data', (chunk) => {
        sent += chunk.length;
        if (dropThis && sent > 64 * 1024) {
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (c) => client.write(c));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyPort = (proxy.address() as { port: number }).port;
    const viaProxy = { ...b.bundle, url: `https://127.0.0.1:${proxyPort}` };
    expect(
      (
        await a.op('PUT', '/admin/v1/partners/jp-lic-01', {
          bundle: viaProxy,
          fingerprint: bundleFingerprint(viaProxy),
          agreement: agreement('agreement-wide', 'jp-lic-01'),
        })
      ).status,
    ).toBe(201);
    expect(
      (await b.op('PUT', '/admin/v1/partners/nl-lic-01', { bundle: a.bundle, fingerprint: a.fingerprint })).status,
    ).toBe(201);
    for (let i = 0; i < 120; i++)
      await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { originatorReference: `CUT-${i}` }));
    let errors = 0;
    for (let i = 0; i < 20; i++) {
      await push(a, b);
      const link = (await a.op('GET', '/admin/v1/partners/jp-lic-01')).body.sync;
      if (link.link.lastPushError) errors++;
      if (link.outbound.queued === 0 && link.outbound.notYetMaterialised === 0) break;
    }
    expect(errors).toBeGreaterThan(0);
    const got = await receivedAt(b, 'nl-lic-01');
    expect(got.length).toBe(120);
    const seqs = (
      b.node.store.db.prepare("SELECT seq FROM inbound WHERE partner = 'nl-lic-01' ORDER BY seq").all() as {
        seq: number;
      }[]
    ).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    proxy.close();
  });
});

describe('sender restored from a backup', () => {
  it('stops and alarms when the partner is ahead, then re-anchors and delivers what it published after the restore', async () => {
    const a = await startTestNode('nl-lic-02', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-02', { sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-02') });
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { originatorReference: 'R1' }));
    await push(a, b);
    const backup = join(tempDir(), 'a.db');
    await a.node.store.backup(backup);
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { originatorReference: 'R2' }));
    await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive', { originatorReference: 'R3' }));
    await push(a, b);
    expect((await receivedAt(b, 'nl-lic-02')).length).toBe(3);
    await a.stop();
    for (const ext of ['', '-wal', '-shm']) rmSync(a.config.files.database + ext, { force: true });
    copyFileSync(backup, a.config.files.database);
    await a.restart({ sync: { autoStart: false } });
    const r4 = await a.op(
      'POST',
      '/admin/v1/records',
      publishBody('denial-wa-sensitive', { originatorReference: 'R4' }),
    );
    await push(a, b);
    const sync = (await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync;
    expect(sync.outbound.blocked).toMatch(/sender-behind/);
    expect(a.node.services.alarms.list('jp-lic-02').map((x) => x.kind)).toContain('sender-behind');
    expect(b.node.services.alarms.list('nl-lic-02').map((x) => x.kind)).toContain('sender-rollback');
    const re = await a.op('POST', '/admin/v1/streams/jp-lic-02/re-anchor');
    expect(re.status, JSON.stringify(re.body)).toBe(200);
    await push(a, b);
    const ids = (await receivedAt(b, 'nl-lic-02')).map((i) => i.id);
    expect(ids).toContain(r4.body.id);
    expect(ids.length).toBe(4);
    expect((await a.op('GET', '/admin/v1/partners/jp-lic-02')).body.sync.outbound).toMatchObject({
      blocked: null,
      queued: 0,
    });
    const audit = a.node.store.db.prepare("SELECT details FROM audit WHERE action = 'stream.re-anchor'").get() as {
      details: string;
    };
    expect(JSON.parse(audit.details)).toMatchObject({ rematerialised: 1 });
  });
});

describe('a partner down for simulated days', () => {
  it('receives everything exactly once, in order, with the daily statements, when it returns', async () => {
    const { fixedClock } = await import('../../node/src/core/clock.js');
    const clock = fixedClock(Date.now());
    const a = await startTestNode('nl-lic-03', { clock, sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-03', { clock, sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-03') });
    await push(a, b);
    await b.stop();
    const ids: string[] = [];
    for (let day = 0; day < 3; day++) {
      for (let i = 0; i < 5; i++)
        ids.push(
          (
            await a.op(
              'POST',
              '/admin/v1/records',
              publishBody('denial-nsg-withheld', { originatorReference: `DAY${day}-${i}` }),
            )
          ).body.id,
        );
      clock.advance(25 * 3_600_000);
      a.node.services.links.tick(); // idle statements, failed pushes with backoff
      await push(a, b);
    }
    expect((await a.op('GET', '/admin/v1/partners/jp-lic-03')).body.sync.link.lastPushError).toMatch(/network/);
    await b.restart({ clock, sync: { autoStart: false } });
    await push(a, b);
    expect((await receivedAt(b, 'nl-lic-03')).map((i) => i.id).sort()).toEqual([...ids].sort());
    const rows = b.node.store.db
      .prepare("SELECT seq, kind FROM inbound WHERE partner = 'nl-lic-03' ORDER BY seq")
      .all() as { seq: number; kind: string }[];
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.filter((r) => r.kind === 'statement').length).toBeGreaterThanOrEqual(3); // seq 1 and the daily ones
    expect(rows.filter((r) => r.kind === 'record').length).toBe(15);
  });
});
