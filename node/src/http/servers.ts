// The two listeners: federation (HTTPS, TLS 1.3 only, client certificate required, trust store =
// union of partners' CAs, no session tickets) and operator (HTTP on loopback).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { constants } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { leafProblem, nodeIdOfCert } from '../crypto/certs.js';

export interface FederationServerOptions {
  /** The TLS identity in use (key rotation swaps it). */
  identity: () => { keyPem: string; certPem: string };
  /** Current union of partner CAs (never undefined: an empty list trusts nobody). */
  cas: () => string[];
  log: Logger;
  /** Open connections allowed per partner (by the node id its certificate claims). */
  connectionsPerPartner?: number;
}

export interface FederationServer {
  server: HttpsServer;
  /** Reloads the TLS context (after a TLS key rotation). */
  reloadIdentity(): void;
  /** Reloads the trust store and destroys the open sockets of the changed partner. */
  trustChanged(nodeId: string): void;
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

function tlsOptions(o: FederationServerOptions) {
  return {
    key: o.identity().keyPem,
    cert: o.identity().certPem,
    ca: o.cas(),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3' as const,
    secureOptions: constants.SSL_OP_NO_TICKET,
  };
}

export function createFederationServer(app: Express, o: FederationServerOptions): FederationServer {
  const server = createHttpsServer(
    {
      ...tlsOptions(o),
      handshakeTimeout: 10_000,
      headersTimeout: 20_000,
      requestTimeout: 60_000,
      keepAliveTimeout: 30_000,
    },
    app,
  );
  server.setTimeout(120_000);
  // sockets by the node id their certificate claims (checked per request; used to cut them on change)
  const claimed = new Map<TLSSocket, string>();
  server.on('secureConnection', (socket: TLSSocket) => {
    const cert = socket.getPeerX509Certificate();
    // OpenSSL accepts a CA certificate, or one without EKUs, as a client's leaf; a partner's is neither
    const unfit = cert ? leafProblem(cert, 'clientAuth') : null;
    if (unfit) {
      o.log.warn(
        { reason: unfit, remote: socket.remoteAddress },
        'federation connection refused: the client certificate is not a client leaf',
      );
      socket.destroy();
      return;
    }
    const id = cert ? nodeIdOfCert(cert) : null;
    if (id) {
      const open = [...claimed.values()].filter((x) => x === id).length;
      if (o.connectionsPerPartner !== undefined && open >= o.connectionsPerPartner) {
        o.log.warn({ partner: id, open }, 'federation connection refused: too many open connections for this peer');
        socket.destroy();
        return;
      }
      claimed.set(socket, id);
      socket.once('close', () => claimed.delete(socket));
    }
  });
  server.on('tlsClientError', (err: Error & { code?: string }, socket: Socket) => {
    o.log.warn({ code: err.code, reason: err.message, remote: socket.remoteAddress }, 'federation handshake refused');
  });
  const all = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    all.add(s);
    s.once('close', () => all.delete(s));
  });
  return {
    server,
    reloadIdentity() {
      server.setSecureContext(tlsOptions(o));
    },
    trustChanged(nodeId: string) {
      server.setSecureContext(tlsOptions(o));
      for (const [socket, id] of claimed) {
        if (id === nodeId) socket.destroy();
      }
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of all) s.destroy();
      });
    },
  };
}

export interface OperatorServer {
  server: HttpServer;
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

export function createOperatorServer(app: Express): OperatorServer {
  const server = createHttpServer({ headersTimeout: 20_000, requestTimeout: 120_000 }, app);
  const all = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    all.add(s);
    s.once('close', () => all.delete(s));
  });
  return {
    server,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of all) s.destroy();
      });
    },
  };
}
