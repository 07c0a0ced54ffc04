// Brief §9 and issue 7: audit anyone can verify; tampering is named; a partner's held checkpoint
// exposes a rewritten log; a node whose chain is broken starts read-only.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compactVerify, importJWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { sha256 } from '../../node/src/crypto/digest.js';
import { FileSigner, signJson } from '../../node/src/crypto/jws.js';
import { agreement, push } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { cli } from '../helpers/cli.js';
import { link, startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

afterAll(stopAll);

function tamper(node: TestNode, sql: string, ...args: unknown[]): void {
  const db = new Database(node.config.files.database);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  db.prepare(sql).run(...args);
  db.close();
}

function resignCheckpoints(node: TestNode): void {
  // the insider also holds the signing key: re-sign every checkpoint over the rewritten chain
  const file = JSON.parse(readFileSync(join(node.dir, 'signing-keys.json'), 'utf8'));
  const signer = new FileSigner(file.keys.find((k: { kid: string }) => k.kid === file.current));
  const db = new Database(node.config.files.database);
  db.exec('DROP TRIGGER IF EXISTS checkpoints_no_update; DROP TRIGGER IF EXISTS checkpoints_no_delete;');
  const cps = db.prepare('SELECT seq, iat FROM checkpoints').all() as { seq: number; iat: number }[];
  for (const c of cps) {
    const hash = (db.prepare('SELECT hash FROM audit WHERE seq = ?').get(c.seq) as { hash: string }).hash;
    const { jws } = signJson(signer, { seq: c.seq, hash, iat: c.iat }, 'entente-checkpoint+jws');
    db.prepare('UPDATE checkpoints SET hash = ?, jws = ? WHERE seq = ?').run(hash, jws, c.seq);
  }
  db.close();
}

function rehash(node: TestNode): void {
  // an operator who rewrites the log and recomputes every hash so the chain is consistent again
  const db = new Database(node.config.files.database);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  const rows = db.prepare('SELECT * FROM audit ORDER BY seq').all() as {
    seq: number;
    at: string;
    action: string;
    actor: string;
    subject: string;
    details: string;
    prev: string;
    hash: string;
  }[];
  let prev = '';
  const upd = db.prepare('UPDATE audit SET prev = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const hash = sha256(
      canonicalString({
        seq: r.seq,
        at: r.at,
        action: r.action,
        actor: r.actor,
        subject: r.subject,
        details: JSON.parse(r.details),
        prev,
      }),
    );
    upd.run(prev, hash, r.seq);
    prev = hash;
  }
  db.close();
}

async function someActivity(n: TestNode): Promise<void> {
  for (const ref of ['AU-1', 'AU-2', 'AU-3'])
    await n.op('POST', '/admin/v1/records', publishBody('denial-catch-all', { originatorReference: ref }));
  await n.op('POST', '/admin/v1/tokens', { name: 'desk', role: 'publisher' });
}

describe('audit verify on a stopped node names the first broken entry', () => {
  it.each([
    ['an edited entry', (n: TestNode) => tamper(n, "UPDATE audit SET actor = 'mallory' WHERE seq = 5"), 5],
    ['a deleted entry', (n: TestNode) => tamper(n, 'DELETE FROM audit WHERE seq = 4'), 4],
    [
      'an inserted entry',
      (n: TestNode) =>
        tamper(
          n,
          'INSERT INTO audit SELECT seq + 1000, at, action, actor, subject, details, prev, hash FROM audit WHERE seq = 2',
        ),
      'last',
    ],
    [
      'two entries reordered',
      (n: TestNode) => {
        const db = new Database(n.config.files.database);
        db.exec('DROP TRIGGER IF EXISTS audit_no_update;');
        const a = db.prepare('SELECT * FROM audit WHERE seq = 3').get() as Record<string, unknown>;
        const b = db.prepare('SELECT * FROM audit WHERE seq = 4').get() as Record<string, unknown>;
        const set = db.prepare(
          'UPDATE audit SET at = @at, action = @action, actor = @actor, subject = @subject, details = @details, prev = @prev, hash = @hash WHERE seq = @target',
        );
        set.run({ ...b, target: 3 });
        set.run({ ...a, target: 4 });
        db.close();
      },
      3,
    ],
  ])('%s', async (_what, damage, expected) => {
    const n = await startTestNode('nl-lic-01');
    await someActivity(n);
    await n.stop();
    const clean = await cli(['audit', 'verify', '--dir', n.dir, '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    const entries = JSON.parse(clean.stdout).entries as number;
    damage(n);
    const r = await cli(['audit', 'verify', '--dir', n.dir, '--json']);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.firstBroken).toBe(expected === 'last' ? entries + 1 : expected);
    expect(r.stderr).toMatch(/BROKEN at entry/);
  });
});

describe('export, checkpoints and partners', () => {
  it('an exported bundle verifies offline, with signed checkpoints; a tampered bundle does not', async () => {
    const n = await startTestNode('nl-lic-01');
    await someActivity(n);
    n.node.services.audit.checkpoint(n.node.services.signer);
    const out = join(tempDir(), 'audit.json');
    const ex = await cli(['audit', 'export', '--dir', n.dir, out]);
    expect(ex.code, ex.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    expect(bundle.checkpoints.length).toBeGreaterThan(0);
    const { payload, protectedHeader } = await compactVerify(
      bundle.checkpoints.at(-1),
      await importJWK(n.bundle.keys.keys[0]!, 'EdDSA'),
    );
    expect(protectedHeader.typ).toBe('entente-checkpoint+jws');
    const cp = JSON.parse(new TextDecoder().decode(payload));
    expect(cp).toEqual({ seq: expect.any(Number), hash: expect.any(String), iat: expect.any(Number) });
    const ok = await cli(['audit', 'verify', '--bundle', out, '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, checkpoints: bundle.checkpoints.length });
    bundle.entries[2].subject = 'someone-else';
    writeFileSync(out, JSON.stringify(bundle));
    const bad = await cli(['audit', 'verify', '--bundle', out, '--json']);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout).firstBroken).toBe(bundle.entries[2].seq);
    const page = await n.op('GET', '/admin/v1/audit?limit=2');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.next).toBe(2);
    expect((await n.op('GET', '/admin/v1/audit/verify')).body).toMatchObject({ ok: true });
  });

  it("a partner's held checkpoint hash exposes a log that was rewritten consistently", async () => {
    const a = await startTestNode('nl-lic-02', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-02', { sync: { autoStart: false } });
    await link(a, b, { aToB: agreement('agreement-wide', 'jp-lic-02') });
    await someActivity(a);
    a.node.services.audit.checkpoint(a.node.services.signer);
    // the next statement carries the checkpoint; B holds it
    await a.op(
      'PUT',
      '/admin/v1/partners/jp-lic-02/agreement',
      agreement('agreement-wide', 'jp-lic-02', { reference: 'NL-JP-2026-02' }),
    );
    await push(a, b);
    const held = JSON.parse(b.node.store.exchange.latestStatementIn('nl-lic-02')!.checkpoint!) as {
      seq: number;
      hash: string;
    };
    expect(held.seq).toBeGreaterThan(3);
    await a.stop();
    tamper(a, "UPDATE audit SET subject = 'rewritten' WHERE seq = 3");
    rehash(a);
    const caught = await cli(['audit', 'verify', '--dir', a.dir, '--json']);
    expect(caught.code).toBe(3); // the node's own signed checkpoints expose it…
    resignCheckpoints(a);
    const own = await cli(['audit', 'verify', '--dir', a.dir, '--json']);
    expect(own.code, own.stdout).toBe(0); // …unless the insider re-signs them with the node's key
    const against = await cli([
      'audit',
      'verify',
      '--dir',
      a.dir,
      '--checkpoint',
      `${held.seq}:${held.hash}`,
      '--json',
    ]);
    expect(against.code).toBe(3);
    expect(JSON.parse(against.stdout)).toMatchObject({ ok: false, firstBroken: held.seq });
    expect(against.stderr).toMatch(/rewritten/);
  });
});

describe('integrity at start', () => {
  it('a node whose audit chain is broken starts read-only: writes 503 with Retry-After, reads work, healthz says why', async () => {
    const a = await startTestNode('nl-lic-03', { sync: { autoStart: false } });
    const b = await startTestNode('jp-lic-03', { sync: { autoStart: false } });
    await link(a, b, {
      aToB: agreement('agreement-wide', 'jp-lic-03'),
      bToA: agreement('agreement-wide', 'nl-lic-03'),
    });
    await someActivity(a);
    await a.stop();
    tamper(a, "UPDATE audit SET action = 'forged' WHERE seq = (SELECT max(seq) - 1 FROM audit)");
    await a.restart({ sync: { autoStart: false } });
    expect(a.node.degraded).toMatch(/audit chain is broken/);
    const w = await a.op('POST', '/admin/v1/records', publishBody('denial-wa-sensitive'));
    expect(w.status).toBe(503);
    expect(w.headers.get('retry-after')).toBe('300');
    expect(w.body.detail).toMatch(/audit chain is broken/);
    expect((await a.op('GET', '/admin/v1/records')).status).toBe(200);
    const h = await fetch(a.node.operatorUrl + '/healthz');
    expect(h.status).toBe(503);
    expect(await h.json()).toMatchObject({ ok: false, audit: expect.stringMatching(/broken/) });
    // inbound federation is refused too, and B's pusher queues (nothing lost)
    await b.op('POST', '/admin/v1/records', publishBody('denial-catch-all'));
    await push(b, a);
    const out = (await b.op('GET', '/admin/v1/partners/nl-lic-03')).body.sync;
    expect(out.link.lastPushError).toBe('503');
    expect(out.outbound.queued).toBeGreaterThan(0);
  });
});
