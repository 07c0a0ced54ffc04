// No Docker engine runs here, so this checks what can be checked without one: the compose file
// parses, every path and command it and the Dockerfile name exists, and the entrypoint starts a
// node (and wires its example peers) when run directly.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readRunFile } from '../../node/src/config/run-file.js';
import { tempDir } from '../helpers/nodes.js';
import { ENTENTE_BIN } from '../helpers/entente-bin.js';

const root = join(import.meta.dirname, '../..');
const dockerDir = join(root, 'docker');

describe('docker/', () => {
  it('compose.yaml parses and names only things that exist', () => {
    const compose = parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8')) as {
      services: Record<string, any>;
      volumes: Record<string, unknown>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['de-enf-01', 'jp-lic-01', 'nl-lic-01']);
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.environment.ENTENTE_EXAMPLE).toBe(name);
      expect(existsSync(join(root, 'certs-example', name, 'config.json'))).toBe(true);
      for (const peer of String(svc.environment.ENTENTE_PEERS).split(' '))
        expect(Object.keys(compose.services)).toContain(peer);
      const [, port] = String(svc.environment.ENTENTE_FEDERATION_LISTEN).split(':');
      const example = JSON.parse(readFileSync(join(root, 'certs-example', name, 'config.json'), 'utf8'));
      expect(example.url).toBe(`https://${name}:${port}`);
      expect(svc.ports[0]).toBe(`${port}:${port}`);
      for (const v of svc.volumes) expect(Object.keys(compose.volumes)).toContain(String(v).split(':')[0]);
    }
    const build = compose.services['nl-lic-01'].build;
    expect(existsSync(join(dockerDir, build.context, build.dockerfile))).toBe(true);
  });

  it('the Dockerfile is multi-stage, non-root, with a volume and a healthcheck, and copies only what exists', () => {
    const df = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    expect(df.match(/^FROM node:20/gm)).toHaveLength(2);
    expect(df).toMatch(/^USER entente$/m);
    expect(df).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(df).toMatch(/^HEALTHCHECK /m);
    for (const m of df.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const src of m[1]!.split(' ')) expect(existsSync(join(root, src)), src).toBe(true);
    accessSync(join(dockerDir, 'entrypoint.sh'), constants.X_OK);
    expect(df).toMatch(/ENTRYPOINT \["\/app\/docker\/entrypoint.sh"\]/);
  });

  it('the entrypoint provisions an example node, starts it, registers its peers, and stops on SIGTERM', async () => {
    const data = join(tempDir(), 'data');
    const child = spawn('bash', [join(dockerDir, 'entrypoint.sh')], {
      cwd: root,
      env: {
        ...process.env,
        ENTENTE_DATA: data,
        ENTENTE_EXAMPLE: 'nl-lic-01',
        ENTENTE_PEERS: 'jp-lic-01 de-enf-01',
        ENTENTE_FEDERATION_LISTEN: '127.0.0.1:0',
        ENTENTE_OPERATOR_LISTEN: '127.0.0.1:0',
        ENTENTE_CMD: `${process.execPath} --import tsx ${join(root, 'node/src/cli/main.ts')}`,
      },
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const token = () => readFileSync(join(data, 'admin.token'), 'utf8').trim();
    let partners: string[] = [];
    for (let i = 0; i < 300 && partners.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const op = readRunFile(data)?.operator.url;
        if (!op) continue;
        const r = await fetch(`${op}/admin/v1/partners`, { headers: { authorization: `Bearer ${token()}` } });
        if (r.ok) partners = ((await r.json()) as { items: { nodeId: string }[] }).items.map((p) => p.nodeId);
      } catch {
        /* starting */
      }
    }
    expect(partners.sort(), err).toEqual(['de-enf-01', 'jp-lic-01']);
    const health = await fetch(`${readRunFile(data)!.operator.url}/healthz`);
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
  it('the entrypoint makes a real node with `entente init`, an exercise node with ENTENTE_EXERCISE=1', async () => {
    const data = join(tempDir(), 'data');
    const child = spawn('bash', [join(dockerDir, 'entrypoint.sh')], {
      cwd: root,
      env: {
        ...process.env,
        ENTENTE_DATA: data,
        ENTENTE_NODE_ID: 'fi-lic-07',
        ENTENTE_COUNTRY: 'FI',
        ENTENTE_EXERCISE: '1',
        ENTENTE_FEDERATION_LISTEN: '127.0.0.1:0',
        ENTENTE_OPERATOR_LISTEN: '127.0.0.1:0',
        ENTENTE_CMD: `${process.execPath} ${ENTENTE_BIN}`,
      },
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let node: { nodeId?: string; mode?: string } = {};
    for (let i = 0; i < 300 && !node.mode; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const op = readRunFile(data)?.operator.url;
        if (!op) continue;
        const token = readFileSync(join(data, 'admin.token'), 'utf8').trim();
        const r = await fetch(`${op}/admin/v1/node`, { headers: { authorization: `Bearer ${token}` } });
        if (r.ok) node = (await r.json()) as typeof node;
      } catch {
        /* starting */
      }
    }
    expect(node, err).toMatchObject({ nodeId: 'fi-lic-07', mode: 'exercise' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
