// Nodes as real processes (`entente start`), for crash tests: they can be SIGKILLed. A node listens
// on port 0 at its first start and reports its ports in D/run.json; they are then kept in its
// config.json, so it restarts on them (its partners know its URL).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadSecrets } from '../../node/src/config/index.js';
import { readRunFile } from '../../node/src/config/run-file.js';
import { initNode, keepBoundAddresses } from '../../node/src/services/node-init.js';
import { buildBundle, bundleFingerprint, type Bundle } from '../../node/src/exchange/bundle.js';
import { tempDir } from './nodes.js';
import { ENTENTE_BIN } from './entente-bin.js';

const root = join(import.meta.dirname, '../..');

export interface ProcNode {
  nodeId: string;
  dir: string;
  token: string;
  /** Known once the node has started the first time (startProc). */
  opUrl: string;
  bundle: Bundle;
  fingerprint: string;
  proc: ChildProcess | null;
  exited: Promise<number | null> | null;
  stderr: string;
}

export async function makeProcNode(
  nodeId: string,
  country: string,
  configure?: (raw: Record<string, any>) => void,
): Promise<ProcNode> {
  const dir = join(tempDir(`entente-proc-${nodeId}-`), 'node');
  const { adminToken } = initNode({
    dir,
    nodeId,
    name: nodeId,
    country,
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
  });
  if (configure) {
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'config.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    configure(raw);
    writeFileSync(file, JSON.stringify(raw, null, 2));
  }
  return {
    nodeId,
    dir,
    token: adminToken,
    opUrl: '',
    bundle: null as unknown as Bundle,
    fingerprint: '',
    proc: null,
    exited: null,
    stderr: '',
  };
}

export async function startProc(
  n: ProcNode,
  env: Record<string, string> = {},
  options: { mayDie?: boolean } = {},
): Promise<void> {
  const proc = spawn(process.execPath, [ENTENTE_BIN, 'start', '--dir', n.dir, '--log-level', 'error'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  n.proc = proc;
  n.stderr = '';
  proc.stderr.on('data', (c) => (n.stderr += c));
  n.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
  for (let i = 0; i < 400; i++) {
    const run = readRunFile(n.dir, { anyPid: true });
    if (run && run.pid === proc.pid) {
      if (!n.opUrl) settle(n, run.federation.port, run.operator.port);
      if ((await fetch(`${n.opUrl}/healthz`).catch(() => null)) !== null) return;
    }
    if (proc.exitCode !== null || proc.signalCode !== null) {
      if (options.mayDie && proc.signalCode === 'SIGKILL') return;
      throw new Error(`${n.nodeId} exited at start: ${n.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${n.nodeId} did not start`);
}

/** After the first start: the ports become the configured ones, and the bundle names them. */
function settle(n: ProcNode, federationPort: number, operatorPort: number): void {
  const config = keepBoundAddresses(n.dir, { federationPort, operatorPort });
  n.opUrl = `http://127.0.0.1:${operatorPort}`;
  n.bundle = buildBundle(config, loadSecrets(loadConfig(n.dir)));
  n.fingerprint = bundleFingerprint(n.bundle);
}

export async function stopProc(n: ProcNode): Promise<void> {
  if (!n.proc) return;
  const p = n.proc;
  n.proc = null;
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGTERM');
    await n.exited;
  }
}

export function alive(n: ProcNode): boolean {
  return !!n.proc && n.proc.exitCode === null && n.proc.signalCode === null;
}

export async function api(
  n: ProcNode,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(n.opUrl + path, {
    method,
    headers: {
      authorization: `Bearer ${n.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
