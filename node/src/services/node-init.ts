// Setting a node up: `entente init` (CA, TLS certificate, signing key, config, database, admin
// token), a node made from a committed example, and the addresses a node bound on port 0.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, createNodeCert, spkiSha256, type KeyAndCert, type Validity } from '../crypto/certs.js';
import { generateSigningKey } from '../crypto/keys.js';
import { CONFIG_FILE, ConfigError, parseConfig, type NodeConfig } from '../config/index.js';
import type { SigningKeyFile } from '../core/identity.js';
import { Store } from '../store/index.js';
import { AuditService } from '../core/audit.js';
import { systemClock, type Clock } from '../core/clock.js';
import { newTokenSecret, tokenHash } from './tokens.js';

export interface InitOptions {
  dir: string;
  nodeId: string;
  name: string;
  country: string;
  url?: string;
  federationListen?: string;
  operatorListen?: string;
  /** Extra DNS/IP names for the TLS certificate (the listen host is always added). */
  hosts?: string[];
  /** Mark the node as an example (committed keys): it then starts only with --demo. */
  example?: boolean;
  /** An exercise node (docs/protocol.md §14.5): invented data, exercise partners only, for life. */
  exercise?: boolean;
  /** Reuse a CA (e.g. tests that issue more certificates under it). */
  ca?: KeyAndCert;
  /** CA and TLS certificate validity (default: from now, 10 years and 825 days). */
  certValidity?: Validity;
  clock?: Clock;
}

export const ADMIN_TOKEN_FILE = 'admin.token';

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export interface ExampleProvision {
  federationListen: string;
  operatorListen: string;
  url: string;
}

/**
 * Makes a runnable node directory from a committed example (certs-example/<nodeId>): copies its keys,
 * writes config.json with the given listeners (still marked `example`), creates the database and a
 * fresh admin token. The result starts only with --demo.
 */
export function provisionFromExample(
  exampleDir: string,
  dir: string,
  p: ExampleProvision,
  clock: Clock = systemClock,
): { config: NodeConfig; adminToken: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(join(dir, CONFIG_FILE))) throw new Error(`${dir} already holds a node`);
  const raw = JSON.parse(readFileSync(join(exampleDir, CONFIG_FILE), 'utf8')) as Record<string, unknown>;
  raw.federation = { listen: p.federationListen };
  raw.operator = { listen: p.operatorListen };
  raw.url = p.url;
  raw.example = true;
  const config = parseConfig(raw, dir);
  for (const f of ['ca.crt', 'tls.crt']) writeFileSync(join(dir, f), readFileSync(join(exampleDir, f)));
  for (const f of ['ca.key', 'tls.key', 'signing-keys.json'])
    writePrivate(join(dir, f), readFileSync(join(exampleDir, f), 'utf8'));
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(raw, null, 2) + '\n');
  const adminToken = newTokenSecret();
  const store = Store.open(config.files.database);
  try {
    const audit = new AuditService(store, clock);
    store.tx(() => {
      store.meta.set('nodeId', config.nodeId);
      store.meta.set('mode', config.mode);
      store.tokens.insert('admin', 'admin', tokenHash(adminToken), new Date(clock.now()).toISOString());
      audit.append({ action: 'node.init', actor: 'cli', subject: config.nodeId, details: { example: true } });
    });
  } finally {
    store.close();
  }
  writePrivate(join(dir, ADMIN_TOKEN_FILE), adminToken + '\n');
  return { config, adminToken };
}

/** Creates a new node directory. Refuses a directory that already holds a node. */
export function initNode(o: InitOptions): { config: NodeConfig; adminToken: string } {
  if (
    existsSync(join(o.dir, CONFIG_FILE)) ||
    (existsSync(o.dir) && readdirSync(o.dir).some((f) => f.endsWith('.db')))
  ) {
    throw new Error(`${o.dir} already holds a node; choose an empty directory`);
  }
  // a failed init leaves nothing: the directories it made, or else the files it wrote, are removed
  const before = existsSync(o.dir) ? new Set(readdirSync(o.dir)) : null;
  const made = mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  try {
    return writeNewNode(o);
  } catch (e) {
    if (made !== undefined) rmSync(made, { recursive: true, force: true });
    else if (before) {
      for (const f of readdirSync(o.dir)) if (!before.has(f)) rmSync(join(o.dir, f), { recursive: true, force: true });
    }
    throw e;
  }
}

function writeNewNode(o: InitOptions): { config: NodeConfig; adminToken: string } {
  const clock = o.clock ?? systemClock;
  const federationListen = o.federationListen ?? '0.0.0.0:8443';
  const operatorListen = o.operatorListen ?? '127.0.0.1:8080';
  const fedHost = federationListen.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  const url =
    o.url ?? `https://${fedHost === '0.0.0.0' ? 'localhost' : fedHost}:${federationListen.replace(/^.*:/, '')}`;
  const urlHost = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const hosts = [
    ...new Set([
      'localhost',
      '127.0.0.1',
      ...(fedHost !== '0.0.0.0' && fedHost !== '::' ? [fedHost] : []),
      urlHost,
      ...(o.hosts ?? []),
    ]),
  ];
  const raw = {
    nodeId: o.nodeId,
    name: o.name,
    country: o.country,
    url,
    federation: { listen: federationListen },
    operator: { listen: operatorListen },
    files: {
      caCert: 'ca.crt',
      caKey: 'ca.key',
      tlsCert: 'tls.crt',
      tlsKey: 'tls.key',
      signingKeys: 'signing-keys.json',
      database: 'entente.db',
    },
    ...(o.example ? { example: true } : {}),
    ...(o.exercise ? { mode: 'exercise' } : {}),
  };
  const config = parseConfig(raw, o.dir); // validates before anything is written
  const ca = o.ca ?? createCa(3650, o.certValidity);
  const tls = createNodeCert(ca, { nodeId: o.nodeId, hosts, ...(o.certValidity ? { validity: o.certValidity } : {}) });
  const key = generateSigningKey();
  const keyFile: SigningKeyFile = { current: key.kid, keys: [key] };
  writeFileSync(join(o.dir, 'ca.crt'), ca.certPem);
  writePrivate(join(o.dir, 'ca.key'), ca.keyPem);
  writeFileSync(join(o.dir, 'tls.crt'), tls.certPem);
  writePrivate(join(o.dir, 'tls.key'), tls.keyPem);
  writePrivate(join(o.dir, 'signing-keys.json'), JSON.stringify(keyFile, null, 2) + '\n');
  writeFileSync(join(o.dir, CONFIG_FILE), JSON.stringify(raw, null, 2) + '\n');
  const adminToken = newTokenSecret();
  const store = Store.open(config.files.database);
  try {
    const audit = new AuditService(store, clock);
    store.tx(() => {
      store.meta.set('nodeId', o.nodeId);
      store.meta.set('mode', config.mode);
      store.tokens.insert('admin', 'admin', tokenHash(adminToken), new Date(clock.now()).toISOString());
      audit.append({
        action: 'node.init',
        actor: 'cli',
        subject: o.nodeId,
        details: { kid: key.kid, tlsSpkiSha256: spkiSha256(tls.certPem), mode: config.mode },
      });
    });
  } finally {
    store.close();
  }
  writePrivate(join(o.dir, ADMIN_TOKEN_FILE), adminToken + '\n');
  return { config, adminToken };
}

/**
 * After a node configured with port 0 has started: writes the ports it got, and the URL partners
 * will use, into its config.json, so its bundle names that URL and a restart binds the same ports.
 * For the demo, the benchmarks and tests, which never choose a port themselves.
 */
export function keepBoundAddresses(dir: string, bound: { federationPort: number; operatorPort: number }): NodeConfig {
  const file = join(dir, CONFIG_FILE);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    url: string;
    federation: { listen: string };
    operator: { listen: string };
  };
  const withPort = (listen: string, port: number) => listen.replace(/:[0-9]+$/, `:${port}`);
  raw.federation.listen = withPort(raw.federation.listen, bound.federationPort);
  raw.operator.listen = withPort(raw.operator.listen, bound.operatorPort);
  const url = new URL(raw.url);
  if (url.port === '0') {
    url.port = String(bound.federationPort);
    raw.url = url.origin;
  }
  const config = parseConfig(raw, dir);
  writeFileSync(file, JSON.stringify(raw, null, 2) + '\n');
  return config;
}

/**
 * A node is live or exercise for its whole life (docs/protocol.md §14.5): the database keeps the mode
 * it was created with, and a config.json that says otherwise is refused, naming the setting. A
 * database from before modes existed was a live node's: it records the config's mode only while it
 * is unused, so an edited config cannot turn a live node with records into one that may be wiped.
 * `inspect` only reads.
 */
export function checkNodeMode(config: NodeConfig, store: Pick<Store, 'meta' | 'exercise'>, inspect = false): void {
  const created = store.meta.get('mode') ?? (config.mode === 'exercise' && store.exercise.used() ? 'live' : undefined);
  if (created === undefined) {
    if (!inspect) store.meta.set('mode', config.mode);
    return;
  }
  if (created !== config.mode) {
    const want = config.mode === 'exercise' ? 'an exercise' : 'a live';
    throw new ConfigError(
      'config.json /mode',
      `this node's database was created as a ${created} node and cannot become ${want} node; set /mode back to "${created}", or run \`entente init${config.mode === 'exercise' ? ' --exercise' : ''}\` for a new node`,
    );
  }
}

/** `entente config check`: the mode rule of start, read from the database without changing it. */
export function checkRecordedMode(config: NodeConfig): void {
  if (!existsSync(config.files.database)) return;
  const store = Store.open(config.files.database, { readonly: true });
  try {
    checkNodeMode(config, store, true);
  } finally {
    store.close();
  }
}
