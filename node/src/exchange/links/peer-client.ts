// Outbound connections to partners (docs/protocol.md §3.4): one keep-alive agent per partner, no session
// cache, the partner's CAs only, and a checkServerIdentity that replaces the host check: exactly one
// SAN URI naming the partner, a leaf fit for a server (no CA, EKU serverAuth), and an SPKI among its
// pins. No redirects.
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { Agent, request } from 'undici';
import { leafProblem, nodeIdOfCert, spkiSha256 } from '../../crypto/certs.js';

export interface PeerTrust {
  nodeId: string;
  url: string;
  casPem: string[];
  pins: ReadonlySet<string>;
}

export interface ClientIdentity {
  certPem: string;
  keyPem: string;
}

export class PeerIdentityError extends Error {
  readonly code = 'ERR_ENTENTE_PEER_IDENTITY';
}

/** The identity check of docs/protocol.md §3.4, usable as tls checkServerIdentity. */
export function checkPeer(expectedNodeId: string, pins: ReadonlySet<string>) {
  return (_host: string, cert: PeerCertificate): Error | undefined => {
    if (!cert?.raw) return new PeerIdentityError('the server presented no certificate');
    const x = new X509Certificate(cert.raw);
    if (nodeIdOfCert(x) !== expectedNodeId)
      return new PeerIdentityError(`the server certificate does not name ${expectedNodeId}`);
    const unfit = leafProblem(x, 'serverAuth');
    if (unfit)
      return new PeerIdentityError(`the server certificate of ${expectedNodeId} is not a server leaf: ${unfit}`);
    if (!pins.has(spkiSha256(x))) return new PeerIdentityError(`the server key is not pinned for ${expectedNodeId}`);
    return undefined;
  };
}

export interface PeerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json<T = unknown>(): T;
}

export class PeerClient {
  private readonly agent: Agent;
  constructor(
    readonly peer: PeerTrust,
    identity: ClientIdentity,
    options: { connectTimeoutMs?: number } = {},
  ) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: 4,
      connect: {
        ca: peer.casPem,
        cert: identity.certPem,
        key: identity.keyPem,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.3',
        maxCachedSessions: 0,
        checkServerIdentity: checkPeer(peer.nodeId, peer.pins),
        timeout: options.connectTimeoutMs ?? 10_000,
      },
    });
  }

  async call(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<PeerResponse> {
    const url = new URL(path, this.peer.url.endsWith('/') ? this.peer.url : this.peer.url + '/');
    const res = await request(url, {
      method,
      dispatcher: this.agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    const buf = Buffer.from(await res.body.arrayBuffer());
    return {
      status: res.statusCode,
      headers: res.headers,
      body: buf,
      json: <T>() => JSON.parse(buf.toString('utf8')) as T,
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}
