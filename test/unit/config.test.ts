import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnvironment, ConfigError, loadConfig, loadSecrets, parseConfig } from '../../node/src/config/index.js';
import { createNode } from '../../node/src/app.js';
import { initNode } from '../../node/src/services/node-init.js';
import { tempDir } from '../helpers/nodes.js';

const good = {
  nodeId: 'nl-lic-01',
  name: 'NL',
  country: 'NL',
  url: 'https://localhost:8443',
  federation: { listen: '0.0.0.0:8443' },
  operator: { listen: '127.0.0.1:8080' },
  files: {
    caCert: 'ca.crt',
    caKey: 'ca.key',
    tlsCert: 'tls.crt',
    tlsKey: 'tls.key',
    signingKeys: 'signing-keys.json',
    database: 'entente.db',
  },
};

function refusal(raw: unknown): string {
  try {
    parseConfig(raw, '/tmp');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('config', () => {
  it('accepts a good config and fills defaults', () => {
    const c = parseConfig(good, '/x');
    expect(c.limits.maxBatchBytes).toBe(8 * 1024 * 1024);
    expect(c.files.database).toBe('/x/entente.db');
  });
  it.each([
    [{ ...good, nodeId: 'NL_LIC' }, '/nodeId'],
    [{ ...good, country: 'XX' }, '/country'],
    [{ ...good, federation: { listen: '0.0.0.0:8443', minTlsVersion: 'TLSv1.2' } }, '/federation/minTlsVersion'],
    [{ ...good, federation: { listen: '0.0.0.0:8443', requestClientCert: false } }, '/federation/requestClientCert'],
    [{ ...good, limits: { maxBatchBytes: 1000 } }, '/limits/maxBatchBytes'],
    [{ ...good, surprise: true }, '/surprise'],
    [{ ...good, operator: { listen: '0.0.0.0:8080' } }, '/operator/listen'],
  ])('refuses %j naming %s', (raw, setting) => {
    expect(refusal(raw)).toContain(setting);
  });
  it('allows a non-loopback operator listener only with the explicit flag', () => {
    expect(
      parseConfig({ ...good, operator: { listen: '0.0.0.0:8080', allowNonLoopback: true } }, '/x').operator.host,
    ).toBe('0.0.0.0');
  });
  it('refuses NODE_TLS_REJECT_UNAUTHORIZED=0', () => {
    expect(() => checkEnvironment({ NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toThrow(/NODE_TLS_REJECT_UNAUTHORIZED/);
    expect(() => checkEnvironment({})).not.toThrow();
  });
  it('refuses to start an example node without --demo, and a world-readable key', async () => {
    const dir = tempDir();
    initNode({
      dir,
      nodeId: 'xx-demo-01',
      name: 'demo',
      country: 'NL',
      federationListen: '127.0.0.1:0',
      operatorListen: '127.0.0.1:0',
      example: true,
    });
    const config = loadConfig(dir);
    const secrets = loadSecrets(config);
    await expect(createNode(config, secrets)).rejects.toThrow(/--demo/);
    const node = await createNode(config, secrets, { demo: true, federationPort: 0, operatorPort: 0 });
    await node.close();
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'tls.key'), 0o644);
    expect(() => loadSecrets(config)).toThrow(/tlsKey/);
  });
  it('refuses a broken config file naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{ not json');
    expect(() => loadConfig(dir)).toThrow(/config.json/);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{ not json');
  });
});
