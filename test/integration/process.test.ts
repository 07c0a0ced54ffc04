// `entente start` as a real process: it serves, logs JSON, and stops cleanly on SIGTERM and SIGINT.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initNode } from '../../node/src/services/node-init.js';
import { readRunFile } from '../../node/src/config/run-file.js';
import { tempDir } from '../helpers/nodes.js';
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
});
