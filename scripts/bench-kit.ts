// What the benchmark scripts share: numeric options, percentiles, a benchmark denial, an agreement
// dated around today, a node made and started in this process on port 0, and a node run as its own
// process (`entente start`), reached through the ports it reports in run.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createNode, type CreateNodeOptions, type EntenteNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { readRunFile } from '../node/src/config/run-file.js';
import { buildBundle, bundleFingerprint, type Bundle } from '../node/src/exchange/bundle.js';
import { ASSIGNED } from '../node/src/domain/lifecycle.js';
import { initNode, keepBoundAddresses } from '../node/src/services/node-init.js';
import { example } from '../test/helpers/examples.js';
import { operatorApi } from './operator-api.js';

export const root = join(import.meta.dirname, '..');
export const log = (s: string): void => void process.stderr.write(`${s}\n`);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `--name N` from the command line, else `dflt`. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** The p-th percentile (nearest rank) of `values`. */
export function pct(values: number[], p: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** The example WA denial as a new record, with its own reference and consignee name. */
export function benchDenial(reference: string, partyName: string): Record<string, any> {
  const r = example('denial-wa-sensitive');
  for (const k of ASSIGNED) delete r[k];
  r.originatorReference = reference;
  r.parties[0].party.names[0].value = partyName;
  return r;
}

/** The wide example agreement towards `partner`, valid from 30 days ago for a year. */
export function benchAgreement(partner: string): Record<string, unknown> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const ag: Record<string, unknown> = {
    ...example('agreement-wide'),
    partner,
    validFrom: day(-30),
    validUntil: day(365),
  };
  delete ag.version;
  return ag;
}

/** `entente init` into `dir` with loopback listeners on port 0; returns the admin token. */
export function initBenchNode(dir: string, nodeId: string, name: string, country: string): string {
  return initNode({
    dir,
    nodeId,
    name,
    country,
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
  }).adminToken;
}

export interface LocalNode {
  node: EntenteNode;
  bundle: Bundle;
  fingerprint: string;
}

/** Starts an initialised node in this process; the ports it got become its configured ones. */
export async function startLocal(dir: string, options: CreateNodeOptions = {}): Promise<LocalNode> {
  const secrets = loadSecrets(loadConfig(dir));
  const node = await createNode(loadConfig(dir), secrets, options);
  const bundle = buildBundle(keepBoundAddresses(dir, node), secrets);
  return { node, bundle, fingerprint: bundleFingerprint(bundle) };
}

export interface Remote {
  dir: string;
  opUrl: string;
  token: string;
  proc: ChildProcess | null;
}

/** Runs `entente start` for an initialised node and waits until it answers its health check. */
export async function startRemote(r: Remote, nodeArgs: string[] = []): Promise<void> {
  r.proc = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      join(root, 'node/src/cli/main.ts'),
      'start',
      '--dir',
      r.dir,
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 1000; i++) {
    const run = readRunFile(r.dir);
    if (run && run.pid === r.proc.pid) {
      r.opUrl = run.operator.url;
      if ((await fetch(`${r.opUrl}/healthz`).catch(() => null))?.ok) return;
    }
    await sleep(20);
  }
  throw new Error('remote node did not start');
}

/** After a remote's first start on port 0: keeps its ports and returns its bundle. */
export function remoteBundle(r: Remote): { bundle: Bundle; fingerprint: string } {
  const run = readRunFile(r.dir)!;
  const config = keepBoundAddresses(r.dir, { federationPort: run.federation.port, operatorPort: run.operator.port });
  const bundle = buildBundle(config, loadSecrets(config));
  return { bundle, fingerprint: bundleFingerprint(bundle) };
}

export async function stopRemote(r: Remote): Promise<void> {
  const p = r.proc;
  if (!p) return;
  r.proc = null;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  });
}

/** An operator API call to a remote with its admin token; the parsed JSON answer. */
export async function remoteApi(r: Remote, method: string, path: string, body?: unknown): Promise<any> {
  return (await operatorApi(r.opUrl, r.token)(method, path, body)).body;
}
