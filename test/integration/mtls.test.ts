// Brief §3.3–§3.4: two nodes answer each other's GET /v1/node over pinned mTLS; every other peer is
// refused at the handshake or with 403 naming nobody.
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, createNodeCert, type KeyAndCert } from '../../node/src/crypto/certs.js';
import { link, startTestNode, stopAll, type TestNode } from '../helpers/nodes.js';

interface RawResult {
  status?: number;
  body?: string;
  error?: string;
  socket?: TLSSocket;
}

function raw(
  target: TestNode,
  path: string,
  opts: { cert?: KeyAndCert; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; agent?: HttpsAgent } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    let sock: TLSSocket | undefined;
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: target.node.federationPort,
        path,
        method: 'GET',
        ca: target.bundle.cas,
        servername: 'localhost',
        ...(opts.cert ? { cert: opts.cert.certPem, key: opts.cert.keyPem } : {}),
        ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
        agent: opts.agent ?? false,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, socket: sock! }));
      },
    );
    req.on('socket', (s) => (sock = s as TLSSocket));
    req.on('error', (e: Error & { code?: string }) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe('federation listener: pinned mutual TLS', () => {
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      startTestNode('aa-lic-01'),
      startTestNode('bb-lic-01', { country: 'FI' }),
      startTestNode('cc-lic-01', { country: 'JP' }),
    ]);
    await link(a, b);
    await link(a, c);
  });
  afterAll(stopAll);

  it('two registered partners answer each other over pinned mTLS', async () => {
    const ab = a.clientTo(b);
    const ba = b.clientTo(a);
    const r1 = await ab.call('GET', '/v1/node');
    const r2 = await ba.call('GET', '/v1/node');
    expect(r1.status).toBe(200);
    expect(r1.json<{ nodeId: string; protocol: string }>()).toMatchObject({
      nodeId: 'bb-lic-01',
      protocol: 'entente/1',
    });
    expect(r2.json<{ nodeId: string; keys: unknown }>()).toMatchObject({ nodeId: 'aa-lic-01', keys: a.bundle.keys });
    await Promise.all([ab.close(), ba.close()]);
  });

  it('refuses a client without a certificate at the handshake', async () => {
    const r = await raw(a, '/v1/node');
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });

  it('refuses a certificate from an unknown CA at the handshake', async () => {
    const rogue = createCa();
    const cert = createNodeCert(rogue, { nodeId: 'bb-lic-01', hosts: ['localhost'] });
    const r = await raw(a, '/v1/node', { cert });
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });

  it("answers 403 to a certificate from a partner's CA naming another node", async () => {
    // b's CA issues a certificate naming c, another registered partner: a partner's CA never vouches for another
    const forged = createNodeCert(b.ca, { nodeId: 'cc-lic-01', hosts: ['localhost'] });
    const r = await raw(a, '/v1/node', { cert: forged });
    expect(r.status).toBe(403);
    expect(r.body).not.toMatch(/cc-lic-01|bb-lic-01/);
    const unknown = createNodeCert(b.ca, { nodeId: 'zz-unknown-01', hosts: ['localhost'] });
    expect((await raw(a, '/v1/node', { cert: unknown })).status).toBe(403);
    const twoNames = createNodeCert(b.ca, {
      nodeId: 'bb-lic-01',
      uris: ['urn:entente:node:bb-lic-01', 'urn:entente:node:cc-lic-01'],
    });
    expect((await raw(a, '/v1/node', { cert: twoNames })).status).toBe(403);
  });

  it('answers 403 to the right name and CA with an unpinned key', async () => {
    const unpinned = createNodeCert(b.ca, { nodeId: 'bb-lic-01', hosts: ['localhost'] });
    const r = await raw(a, '/v1/node', { cert: unpinned });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body!)).toMatchObject({ type: 'urn:entente:problem:forbidden', status: 403 });
  });

  it('refuses TLS 1.2', async () => {
    const r = await raw(a, '/v1/node', {
      cert: { certPem: b.secrets.tlsCertPem, keyPem: b.secrets.tlsKeyPem },
      maxVersion: 'TLSv1.2',
    });
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });

  it('accepts the real partner certificate over a raw client (control case)', async () => {
    const r = await raw(a, '/v1/node', { cert: { certPem: b.secrets.tlsCertPem, keyPem: b.secrets.tlsKeyPem } });
    expect(r.status).toBe(200);
  });

  describe('a partner certificate is a leaf of its direction (issue 13 §6)', () => {
    // each carries B's pinned key, B's SAN URI and digitalSignature, and chains to B's CA
    const pinned = (opts: Partial<Parameters<typeof createNodeCert>[1]>) =>
      createNodeCert(b.ca, { nodeId: 'bb-lic-01', hosts: ['localhost'], keyPem: b.secrets.tlsKeyPem, ...opts });

    it('inbound: a CA:TRUE certificate, one whose keyUsage signs certificates, and one without EKU clientAuth are refused; the real one is not', async () => {
      for (const cert of [
        pinned({ basicConstraintsCa: true }),
        pinned({ keyCertSign: true }),
        pinned({ ekus: [] }),
        pinned({ ekus: ['serverAuth'] }),
      ]) {
        // the listener cuts the connection before any request is read
        const r = await raw(a, '/v1/node', { cert });
        expect(r.status, `answered ${r.status}`).toBeUndefined();
      }
      expect((await raw(a, '/v1/node', { cert: pinned({}) })).status).toBe(200);
    });

    it("the per-request peer check refuses them too (behind the listener's own check)", () => {
      const partners = a.node.services.partners;
      expect(partners.resolvePeer(new X509Certificate(pinned({}).certPem))).toBe('bb-lic-01');
      expect(partners.resolvePeer(new X509Certificate(pinned({ basicConstraintsCa: true }).certPem))).toBeNull();
      expect(partners.resolvePeer(new X509Certificate(pinned({ keyCertSign: true }).certPem))).toBeNull();
      expect(partners.resolvePeer(new X509Certificate(pinned({ ekus: ['serverAuth'] }).certPem))).toBeNull();
    });

    it('outbound: our client refuses a server presenting a CA:TRUE certificate or one without EKU serverAuth', async () => {
      const serveWith = async (cert: KeyAndCert) => {
        const server = createHttpsServer({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.3' }, (_req, res) =>
          res.end('{}'),
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const client = a.clientTo({
          ...b,
          bundle: { ...b.bundle, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` },
        });
        try {
          return await client.call('GET', '/v1/node').then(
            (r) => r.status,
            (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message),
          );
        } finally {
          await client.destroy();
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      };
      expect(await serveWith(pinned({}))).toBe(200);
      expect(await serveWith(pinned({ basicConstraintsCa: true }))).toMatch(
        /not a server leaf: the certificate is a CA/,
      );
      expect(await serveWith(pinned({ keyCertSign: true }))).toMatch(/not a server leaf/);
      expect(await serveWith(pinned({ ekus: [] }))).toMatch(
        /not a server leaf: the certificate lacks the extended key usage serverAuth/,
      );
    });
  });

  it('our client refuses a server whose SPKI is not pinned', async () => {
    const client = a.clientTo({ ...b, bundle: { ...b.bundle, tlsSpkiSha256: ['A'.repeat(43)] } });
    await expect(client.call('GET', '/v1/node')).rejects.toThrow();
    await client.destroy();
    const wrongName = a.clientTo({ ...b, nodeId: 'cc-lic-01' });
    await expect(wrongName.call('GET', '/v1/node')).rejects.toThrow();
    await wrongName.destroy();
  });

  it('removing a partner closes its open connection and refuses it afterwards', async () => {
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
    const cert = { certPem: c.secrets.tlsCertPem, keyPem: c.secrets.tlsKeyPem };
    const first = await raw(a, '/v1/node', { cert, agent });
    expect(first.status).toBe(200);
    const socket = first.socket!;
    const closed = new Promise<void>((resolve) =>
      socket.destroyed ? resolve() : socket.once('close', () => resolve()),
    );
    const del = await a.op('DELETE', '/admin/v1/partners/cc-lic-01');
    expect(del.status).toBe(204);
    await closed;
    const after = await raw(a, '/v1/node', { cert });
    expect(after.status).toBeUndefined();
    agent.destroy();
  });
});
