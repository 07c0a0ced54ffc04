// `entente start` as a real process: it serves, logs JSON, and stops cleanly on SIGTERM and SIGINT.
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initNode } from '../../node/src/services/node-init.js';
import { readRunFile } from '../../node/src/config/run-file.js';
import { tempDir } from '../helpers/nodes.js';
import { cli } from '../helpers/cli.js';
import { api, makeProcNode, startProc } from '../helpers/processes.js';
import { agreement } from '../helpers/exchange.js';
import { publishBody } from '../helpers/examples.js';
import { startTestNode } from '../helpers/nodes.js';
import { ENTENTE_BIN } from '../helpers/entente-bin.js';

const root = join(import.meta.dirname, '../..');

/** The operator URL the started node reports in D/run.json (it listens on port 0). */
async function operatorUrlOf(dir: string, ms = 20_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const run = readRunFile(dir);
    if (run) return run.operator.url;
    if (Date.now() > until) throw new Error('node did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('entente start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves /healthz, logs JSON lines, and exits 0 on %s', async (signal) => {
    const dir = tempDir();
    initNode({
      dir,
      nodeId: 'nl-lic-01',
      name: 'NL',
      country: 'NL',
      federationListen: '127.0.0.1:0',
      operatorListen: '127.0.0.1:0',
    });
    const child = spawn(process.execPath, [ENTENTE_BIN, 'start', '--dir', dir], { cwd: root });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const res = await fetch(`${await operatorUrlOf(dir)}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      database: 'ok',
      listeners: { federation: 'listening', operator: 'listening' },
    });
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(readRunFile(dir, { anyPid: true }), 'run.json is removed on a clean stop').toBeNull();
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['node started', 'stopping', 'node stopped']));
  });

  it('refuses to start with NODE_TLS_REJECT_UNAUTHORIZED=0, naming it', async () => {
    const dir = tempDir();
    initNode({
      dir,
      nodeId: 'nl-lic-01',
      name: 'NL',
      country: 'NL',
      federationListen: '127.0.0.1:0',
      operatorListen: '127.0.0.1:0',
    });
    const child = spawn(process.execPath, [ENTENTE_BIN, 'start', '--dir', dir], {
      cwd: root,
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(err).toMatch(/entente: environment NODE_TLS_REJECT_UNAUTHORIZED: is 0/);
  });

  it('exits non-zero with one line, and keeps nothing bound, when the operator port is taken', async () => {
    // a port held by another process: the node must close its federation listener and exit
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as { port: number }).port;
    try {
      const dir = tempDir();
      initNode({
        dir,
        nodeId: 'nl-lic-01',
        name: 'NL',
        country: 'NL',
        federationListen: '127.0.0.1:0',
        operatorListen: `127.0.0.1:${taken}`,
      });
      const started = Date.now();
      const r = await cli(['start', '--dir', dir]);
      expect(r.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(r.stderr).toBe(
        `entente: config.json /operator/listen: 127.0.0.1:${taken} is already in use by another process\n`,
      );
      expect(readRunFile(dir, { anyPid: true })).toBeNull();
    } finally {
      holder.close();
    }
  });

  it('reports every configuration problem at once; `config check` validates without starting', async () => {
    const dir = tempDir();
    initNode({
      dir,
      nodeId: 'nl-lic-01',
      name: 'NL',
      country: 'NL',
      federationListen: '127.0.0.1:0',
      operatorListen: '127.0.0.1:0',
    });
    const good = await cli(['config', 'check', '--dir', dir]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toMatch(/configuration of nl-lic-01 is valid/);
    const file = join(dir, 'config.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    raw.country = 'Netherlands';
    raw.operator.listen = '0.0.0.0:8080';
    raw.sync = { pullIntervalSeconds: 5 };
    raw.files.tlsKey = 'missing.key';
    writeFileSync(file, JSON.stringify(raw, null, 2));
    for (const args of [
      ['config', 'check', '--dir', dir],
      ['start', '--dir', dir],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^entente: 3 problems:\n/);
      expect(r.stderr).toMatch(
        /config\.json \/country: "Netherlands" is not one of the \d+ allowed values \(did you mean NL\?\)/,
      );
      expect(r.stderr).toMatch(/config\.json \/operator\/listen: 0\.0\.0\.0 is not a loopback address/);
      expect(r.stderr).toMatch(/config\.json \/sync\/pullIntervalSeconds: must be >= 60/);
    }
    // once the config is right, the missing key file is named too (with any other file problem)
    raw.country = 'NL';
    raw.operator.listen = '127.0.0.1:0';
    delete raw.sync;
    writeFileSync(file, JSON.stringify(raw, null, 2));
    const keys = await cli(['config', 'check', '--dir', dir]);
    expect(keys.code).toBe(1);
    expect(keys.stderr).toMatch(/config\.json \/files\/tlsKey: .*missing\.key cannot be read/);
    writeFileSync(file, '{\n  "nodeId": "nl-lic-01",\n}\n');
    const syntax = await cli(['config', 'check', '--dir', dir]);
    expect(syntax.stderr).toMatch(/config\.json: is not valid JSON: line 3, column 1: /);
  });

  it('stops at once when idle: exit 0, no lingering after "node stopped"', async () => {
    const n = await makeProcNode('nl-lic-01', 'NL', (raw) => (raw.shutdown = { timeoutSeconds: 3 }));
    await startProc(n);
    const t = Date.now();
    n.proc!.kill('SIGTERM');
    expect(await n.exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(2_000);
  }, 120_000);

  it('exits 0 at the bound when closing takes longer: a push hangs on a partner that never answers', async () => {
    // jp's address is a black hole: it accepts the TCP connection and never speaks TLS
    const jp = await startTestNode('jp-lic-01', { country: 'JP' });
    const jpPort = jp.node.federationPort;
    await jp.stop();
    const held: Socket[] = [];
    const hole = createServer((s) => held.push(s));
    await new Promise<void>((r) => hole.listen(jpPort, '127.0.0.1', r));
    const n = await makeProcNode('nl-lic-01', 'NL', (raw) => (raw.shutdown = { timeoutSeconds: 1 }));
    try {
      await startProc(n);
      const reg = await api(n, 'PUT', '/admin/v1/partners/jp-lic-01', {
        bundle: jp.bundle,
        fingerprint: jp.fingerprint,
        agreement: agreement('agreement-wide', 'jp-lic-01'),
      });
      expect(reg.status, JSON.stringify(reg.body)).toBe(201);
      expect((await api(n, 'POST', '/admin/v1/records', publishBody('denial-wa-sensitive'))).status).toBe(201);
      for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(held.length, 'a push is in flight to the black hole').toBeGreaterThan(0);
      const t = Date.now();
      n.proc!.kill('SIGTERM');
      expect(await n.exited).toBe(0);
      // the links wait up to 2 s for a push in flight; the bound (1 s) ends the stop first
      expect(Date.now() - t).toBeLessThan(1_900);
      expect(n.stderr).toBe('');
    } finally {
      for (const s of held) s.destroy();
      hole.close();
    }
  }, 120_000);
});
