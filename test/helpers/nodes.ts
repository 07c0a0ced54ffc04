// Real nodes for tests: `entente init` into a temporary directory, loopback listeners on port 0 (the
// node reports the ports it got), real TLS with certificates made at test time, a real SQLite file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type CreateNodeOptions, type EntenteNode } from '../../node/src/app.js';
import { loadConfig, loadSecrets, type NodeConfig, type Secrets } from '../../node/src/config/index.js';
import type { KeyAndCert } from '../../node/src/crypto/certs.js';
import { initNode, keepBoundAddresses } from '../../node/src/services/node-init.js';
import { buildBundle, bundleFingerprint, type Bundle } from '../../node/src/exchange/bundle.js';
import { PeerClient } from '../../node/src/exchange/links/peer-client.js';
import { observeContract } from './contract.js';

const tempDirs: string[] = [];

/** A new directory under the system's temporary directory, removed after the test file (cleanup.ts). */
export function tempDir(prefix = 'entente-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the temporary directories made so far (after the test file's own afterAll hooks). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TestNode {
  nodeId: string;
  dir: string;
  config: NodeConfig;
  secrets: Secrets;
  node: EntenteNode;
  bundle: Bundle;
  fingerprint: string;
  adminToken: string;
  ca: KeyAndCert;
  /** Operator API call with the admin token (or another). */
  op(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** A client to another node's federation API, pinned as §3.4 says. */
  clientTo(other: TestNode): PeerClient;
  stop(): Promise<void>;
  restart(options?: CreateNodeOptions): Promise<void>;
}

const created: TestNode[] = [];

export interface StartOptions extends CreateNodeOptions {
  country?: string;
  name?: string;
  /** An exercise node (`entente init --exercise`, docs/protocol.md §14.5). */
  exercise?: boolean;
  /** Edits config.json before the node loads it. */
  configure?: (raw: Record<string, any>) => void;
}

export async function startTestNode(nodeId: string, options: StartOptions = {}): Promise<TestNode> {
  const dir = tempDir(`entente-${nodeId}-`);
  const { adminToken } = initNode({
    dir,
    nodeId,
    name: options.name ?? `${nodeId} (test)`,
    country: options.country ?? 'NL',
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
    ...(options.exercise ? { exercise: true } : {}),
  });
  if (options.configure) {
    const file = join(dir, 'config.json');
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    options.configure(raw);
    writeFileSync(file, JSON.stringify(raw, null, 2));
  }
  const secrets = loadSecrets(loadConfig(dir));
  const node = await createNode(loadConfig(dir), secrets, { observeResponses: observeContract, ...options });
  // the ports the node got become its configured ones: its bundle names them and a restart binds them
  const config = keepBoundAddresses(dir, node);
  const ca: KeyAndCert = { certPem: secrets.caCertPem, keyPem: secrets.caKeyPem };
  const bundle = buildBundle(config, secrets);
  const t: TestNode = {
    nodeId,
    dir,
    config,
    secrets,
    node,
    bundle,
    fingerprint: bundleFingerprint(bundle),
    adminToken,
    ca,
    async op(method, path, body, token, headers = {}) {
      const call = () =>
        fetch(t.node.operatorUrl + path, {
          method,
          headers: {
            authorization: `Bearer ${token ?? adminToken}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
        });
      let res: Response;
      try {
        res = await call();
      } catch {
        // a pooled keep-alive socket to a node that restarted on the same port: once more
        res = await call();
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    clientTo(other) {
      return new PeerClient(
        {
          nodeId: other.nodeId,
          url: other.bundle.url,
          casPem: other.bundle.cas,
          pins: new Set(other.bundle.tlsSpkiSha256),
        },
        { certPem: t.secrets.tlsCertPem, keyPem: t.secrets.tlsKeyPem },
      );
    },
    async stop() {
      await t.node.close();
    },
    async restart(opts = options) {
      await t.node.close();
      t.node = await createNode(t.config, t.secrets, { observeResponses: observeContract, ...opts });
    },
  };
  created.push(t);
  return t;
}

/** Registers each node's bundle at the other (trust only unless agreements are given). */
export async function link(
  a: TestNode,
  b: TestNode,
  agreements: { aToB?: unknown; bToA?: unknown } = {},
): Promise<void> {
  const r1 = await a.op('PUT', `/admin/v1/partners/${b.nodeId}`, {
    bundle: b.bundle,
    fingerprint: b.fingerprint,
    ...(agreements.aToB !== undefined ? { agreement: agreements.aToB } : {}),
  });
  if (r1.status >= 300) throw new Error(`link ${a.nodeId}→${b.nodeId}: ${r1.status} ${JSON.stringify(r1.body)}`);
  const r2 = await b.op('PUT', `/admin/v1/partners/${a.nodeId}`, {
    bundle: a.bundle,
    fingerprint: a.fingerprint,
    ...(agreements.bToA !== undefined ? { agreement: agreements.bToA } : {}),
  });
  if (r2.status >= 300) throw new Error(`link ${b.nodeId}→${a.nodeId}: ${r2.status} ${JSON.stringify(r2.body)}`);
}

export async function stopAll(): Promise<void> {
  const nodes = created.splice(0);
  await Promise.all(nodes.map((n) => n.node.close().catch(() => undefined)));
  for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
}

export function readAdminToken(dir: string): string {
  return readFileSync(join(dir, 'admin.token'), 'utf8').trim();
}
