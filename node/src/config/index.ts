// config.json → validated NodeConfig, plus Secrets (keys) kept as a separate type. The only reader of
// process.env. Errors name the setting.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { JsonSyntaxError, parseJsonText } from '../domain/json-text.js';
import { schemas } from '../schema/registry.js';
import type { components } from '../schema/generated/openapi.js';

type RawConfig = components['schemas']['node-config.schema'];

export interface NodeConfig {
  dir: string;
  nodeId: string;
  name: string;
  country: string;
  url: string;
  federation: { host: string; port: number };
  operator: { host: string; port: number; allowNonLoopback: boolean };
  files: { caCert: string; caKey: string; tlsCert: string; tlsKey: string; signingKeys: string; database: string };
  limits: {
    maxBatchBytes: number;
    maxReleaseBytes: number;
    operatorBodyBytes: number;
    ratePerSecond: number;
    burst: number;
    concurrentPerPartner: number;
    connectionsPerPartner: number;
    jsonDepth: number;
  };
  sync: {
    materialisationWindow: number;
    pullIntervalSeconds: number;
    statementIdleHours: number;
    breakerThreshold: number;
    breakerCooldownSeconds: number;
  };
  records: { reviewReminderDays: number };
  shutdown: { timeoutSeconds: number };
  consultations: { holidays: Record<string, string[]> };
  /** The highest minor version of entente/1 spoken (docs/protocol.md §14.1): 0 is a 1.0 node. */
  protocol: { maxMinor: number };
  /** Receiver notifications of alerts (docs/protocol.md §14.4). */
  notifications: { webhooks: { url: string; secret: string }[] };
  example: boolean;
  /** live, or exercise (docs/protocol.md §14.5): fixed for the node's life. */
  mode: NodeMode;
}

export type NodeMode = 'live' | 'exercise';

export interface Secrets {
  caCertPem: string;
  caKeyPem: string;
  tlsCertPem: string;
  tlsKeyPem: string;
  /** JSON text of the signing key file. */
  signingKeysJson: string;
}

export interface ConfigProblem {
  setting: string;
  message: string;
}

/** One or more settings refused; the message names each (all of them, so one edit fixes them all). */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(setting: string, message: string);
  constructor(problems: ConfigProblem[]);
  constructor(settingOrProblems: string | ConfigProblem[], message?: string) {
    const problems =
      typeof settingOrProblems === 'string'
        ? [{ setting: settingOrProblems, message: message ?? '' }]
        : settingOrProblems;
    const lines = problems.map((p) => `${p.setting}: ${p.message}`);
    super(lines.length === 1 ? lines[0]! : `${lines.length} problems:\n  ${lines.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
  get setting(): string {
    return this.problems[0]!.setting;
  }
}

/** Runs each check, collecting every ConfigError; throws them together at the end. */
export function collectProblems<T>(checks: (() => T)[]): T[] {
  const problems: ConfigProblem[] = [];
  const results: T[] = [];
  for (const check of checks) {
    try {
      results.push(check());
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return results;
}

export const CONFIG_FILE = 'config.json';

function splitHostPort(value: string, setting: string): { host: string; port: number } {
  const m = /^(\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(value);
  if (!m) throw new ConfigError(setting, `must be host:port, got ${JSON.stringify(value)}`);
  const port = Number(m[4]);
  if (port > 65535) throw new ConfigError(setting, 'port must be 0..65535');
  return { host: m[2] ?? m[3]!, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
}

/** Validates a parsed config.json; `dir` resolves relative file paths. */
export function parseConfig(raw: unknown, dir: string): NodeConfig {
  const problems: ConfigProblem[] = schemas()
    .validate('node-config', raw)
    .map((e) => ({ setting: `config.json ${e.pointer || '/'}`, message: e.message }));
  const c = raw as RawConfig;
  const listen = (part: 'federation' | 'operator') => {
    const value = (c as Partial<RawConfig> | null)?.[part]?.listen;
    if (typeof value !== 'string') return null;
    try {
      return splitHostPort(value, `config.json /${part}/listen`);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (!problems.some((p) => p.setting === e.setting)) problems.push(...e.problems);
      return null;
    }
  };
  const federation = listen('federation');
  const operator = listen('operator');
  const allowNonLoopback = c?.operator?.allowNonLoopback === true;
  if (operator && !isLoopback(operator.host) && !allowNonLoopback) {
    problems.push({
      setting: 'config.json /operator/listen',
      message: `${operator.host} is not a loopback address; set /operator/allowNonLoopback to true to serve the operator API beyond this host`,
    });
  }
  if (c?.mode === 'exercise' && c.protocol?.maxMinor === 0) {
    problems.push({
      setting: 'config.json /mode',
      message: 'an exercise node speaks entente/1.1 (its bundle carries `mode`); remove /protocol/maxMinor 0',
    });
  }
  if (problems.length > 0 || !federation || !operator) throw new ConfigError(problems);
  const abs = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  return {
    dir,
    nodeId: c.nodeId,
    name: c.name,
    country: c.country,
    url: c.url,
    federation,
    operator: { ...operator, allowNonLoopback },
    files: {
      caCert: abs(c.files.caCert),
      caKey: abs(c.files.caKey),
      tlsCert: abs(c.files.tlsCert),
      tlsKey: abs(c.files.tlsKey),
      signingKeys: abs(c.files.signingKeys),
      database: abs(c.files.database),
    },
    limits: {
      maxBatchBytes: c.limits?.maxBatchBytes ?? 8 * 1024 * 1024,
      maxReleaseBytes: c.limits?.maxReleaseBytes ?? 256 * 1024,
      operatorBodyBytes: c.limits?.operatorBodyBytes ?? 1024 * 1024,
      ratePerSecond: c.limits?.ratePerSecond ?? 20,
      burst: c.limits?.burst ?? 40,
      concurrentPerPartner: c.limits?.concurrentPerPartner ?? 4,
      connectionsPerPartner: c.limits?.connectionsPerPartner ?? 8,
      jsonDepth: c.limits?.jsonDepth ?? 64,
    },
    sync: {
      materialisationWindow: c.sync?.materialisationWindow ?? 500,
      pullIntervalSeconds: c.sync?.pullIntervalSeconds ?? 300,
      statementIdleHours: c.sync?.statementIdleHours ?? 24,
      breakerThreshold: c.sync?.breakerThreshold ?? 5,
      breakerCooldownSeconds: c.sync?.breakerCooldownSeconds ?? 60,
    },
    records: { reviewReminderDays: c.records?.reviewReminderDays ?? 30 },
    shutdown: { timeoutSeconds: c.shutdown?.timeoutSeconds ?? 5 },
    consultations: { holidays: c.consultations?.holidays ?? {} },
    protocol: { maxMinor: c.protocol?.maxMinor ?? 1 },
    notifications: { webhooks: (c.notifications?.webhooks ?? []).map((w) => ({ url: w.url, secret: w.secret })) },
    example: c.example ?? false,
    mode: c.mode ?? 'live',
  };
}

export function loadConfig(dir: string): NodeConfig {
  let text: string;
  try {
    text = readFileSync(join(dir, CONFIG_FILE), 'utf8');
  } catch {
    throw new ConfigError(join(dir, CONFIG_FILE), 'cannot be read (run `entente init` first)');
  }
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new ConfigError(join(dir, CONFIG_FILE), `is not valid JSON: ${e.message}`);
  }
  return parseConfig(raw, dir);
}

function readSecret(file: string, setting: string): string {
  try {
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0 && process.platform !== 'win32') {
      throw new ConfigError(setting, `${file} must not be readable by group or others (chmod 600)`);
    }
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(setting, `${file} cannot be read`);
  }
}

/**
 * Reads the key files. `strict` (the default, and always for `start`) refuses private keys readable
 * by group or others; the bundle command, which prints public material only, reads without it.
 */
export function loadSecrets(config: NodeConfig, options: { strict?: boolean } = {}): Secrets {
  const strict = options.strict ?? true;
  const read = (file: string, setting: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(setting, `${file} cannot be read`);
    }
  };
  const secret = strict ? readSecret : read;
  const [caCertPem, caKeyPem, tlsCertPem, tlsKeyPem, signingKeysJson] = collectProblems([
    () => read(config.files.caCert, 'config.json /files/caCert'),
    () => secret(config.files.caKey, 'config.json /files/caKey'),
    () => read(config.files.tlsCert, 'config.json /files/tlsCert'),
    () => secret(config.files.tlsKey, 'config.json /files/tlsKey'),
    () => secret(config.files.signingKeys, 'config.json /files/signingKeys'),
  ]) as [string, string, string, string, string];
  return { caCertPem, caKeyPem, tlsCertPem, tlsKeyPem, signingKeysJson };
}

/**
 * Everything `entente start` checks before it opens anything, every problem reported at once: the
 * environment, config.json, and the key files (docs/protocol.md §3).
 */
export function checkNodeDirectory(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): { config: NodeConfig; secrets: Secrets } {
  const problems: ConfigProblem[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  attempt(() => checkEnvironment(env));
  const config = attempt(() => loadConfig(dir));
  const secrets = config ? attempt(() => loadSecrets(config)) : undefined;
  if (problems.length > 0 || !config || !secrets) throw new ConfigError(problems);
  return { config, secrets };
}

/** Refuses environments that would weaken TLS (docs/protocol.md §3). */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new ConfigError(
      'environment NODE_TLS_REJECT_UNAUTHORIZED',
      'is 0, which disables certificate checks; unset it',
    );
  }
}

export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}
