// Key rotation (brief §3.5): `entente keys rotate` adds a signing key (or a TLS key whose pin is
// announced), every statement announces it, and this node starts using it only once every
// partner's receipt covers a statement that announced it. Keys validate by iat, so a partner that
// was offline through the rotation catches up with no dependence on its clock.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createNodeCert, spkiSha256 } from '../crypto/certs.js';
import { FileSigner, type Signer } from '../crypto/jws.js';
import { generateSigningKey, publicJwk, type PublicJwk } from '../crypto/keys.js';
import { AppError } from '../domain/errors.js';
import type { NodeConfig, Secrets } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { parseSigningKeys, type SigningKeyFile } from './node-init.js';
import type { StreamService } from '../exchange/outbound/streams.js';

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

export interface KeyEvents {
  signerChanged(signer: Signer, keys: PublicJwk[]): void;
  tlsChanged(identity: TlsIdentity): void;
}

interface Pending {
  kind: 'signing' | 'tls';
  id: string;
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export class KeyService {
  private file: SigningKeyFile;
  private pendingTls: (TlsIdentity & { pin: string }) | null = null;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly streams: StreamService,
    private readonly config: NodeConfig,
    private readonly secrets: Secrets,
    private readonly events: KeyEvents,
  ) {
    this.file = parseSigningKeys(secrets.signingKeysJson);
    const next = store.meta.get('tls:pending');
    if (next) this.pendingTls = JSON.parse(next) as TlsIdentity & { pin: string };
    streams.announcements = () => this.announcements();
    streams.onStatement = (partner, stream, seq) => {
      for (const p of this.pendingList()) this.store.exchange.recordAnnouncement(p.id, partner, stream, seq, p.kind);
    };
  }

  currentSigner(): { signer: Signer; key: PublicJwk } {
    const k = this.file.keys.find((x) => x.kid === this.file.current)!;
    return { signer: new FileSigner(k), key: publicJwk(k) };
  }

  publicKeys(): PublicJwk[] {
    return this.file.keys.map(publicJwk);
  }

  private pendingKeys(): PublicJwk[] {
    const current = this.file.keys.find((k) => k.kid === this.file.current)!;
    return this.file.keys.filter((k) => k.kid !== current.kid && (k.nbf ?? 0) >= (current.nbf ?? 0) && this.store.meta.get(`key:active:${k.kid}`) === undefined).map(publicJwk);
  }

  private pendingList(): Pending[] {
    return [...this.pendingKeys().map((k) => ({ kind: 'signing' as const, id: k.kid })), ...(this.pendingTls ? [{ kind: 'tls' as const, id: this.pendingTls.pin }] : [])];
  }

  private announcements() {
    const keys = this.pendingKeys();
    return { ...(keys.length ? { keys } : {}), ...(this.pendingTls ? { pins: [this.pendingTls.pin] } : {}) };
  }

  /** Adds a key and announces it to every partner; returns what it waits for. */
  rotate(kind: 'signing' | 'tls', actor: string): { kind: string; id: string; waitingFor: string[] } {
    let id: string;
    if (kind === 'signing') {
      if (this.pendingKeys().length) throw new AppError('conflict', 'a signing key rotation is already waiting for partners\' receipts');
      const key = generateSigningKey(Math.floor(this.clock.now() / 1000));
      this.file = { ...this.file, keys: [...this.file.keys, key] };
      writePrivate(this.config.files.signingKeys, JSON.stringify(this.file, null, 2) + '\n');
      id = key.kid;
    } else {
      if (this.pendingTls) throw new AppError('conflict', 'a TLS key rotation is already waiting for partners\' receipts');
      const next = createNodeCert({ certPem: this.secrets.caCertPem, keyPem: this.secrets.caKeyPem }, { nodeId: this.config.nodeId, hosts: ['localhost', '127.0.0.1', new URL(this.config.url).hostname] });
      this.pendingTls = { certPem: next.certPem, keyPem: next.keyPem, pin: spkiSha256(next.certPem) };
      id = this.pendingTls.pin;
    }
    const partners: string[] = [];
    this.store.tx(() => {
      if (kind === 'tls') this.store.meta.set('tls:pending', JSON.stringify(this.pendingTls));
      for (const p of this.store.partners.active()) {
        if (!this.store.exchange.outStream(p.node_id)) continue;
        this.streams.appendStatement(p.node_id);
        partners.push(p.node_id);
      }
      this.audit.append({ action: 'keys.rotate', actor, subject: id, details: { kind, announcedTo: partners } });
    });
    this.streams.afterPublished(partners);
    this.check();
    return { kind, id, waitingFor: this.waitingFor(id) };
  }

  /** Partners whose receipts do not yet cover an announcement of `id`. */
  waitingFor(id: string): string[] {
    const ann = new Map(this.store.exchange.announcements(id).map((a) => [a.partner, a]));
    const waiting: string[] = [];
    for (const p of this.store.partners.active()) {
      const s = this.store.exchange.outStream(p.node_id);
      if (!s) continue;
      const a = ann.get(p.node_id);
      if (!a || a.stream !== s.stream || s.receipt_upto < a.seq) waiting.push(p.node_id);
    }
    return waiting;
  }

  /** Switches to keys whose announcements every partner has acknowledged. */
  check(): void {
    for (const k of this.pendingKeys()) {
      if (this.waitingFor(k.kid).length) continue;
      this.file = { ...this.file, current: k.kid };
      writePrivate(this.config.files.signingKeys, JSON.stringify(this.file, null, 2) + '\n');
      this.store.tx(() => {
        this.store.meta.set(`key:active:${k.kid}`, new Date(this.clock.now()).toISOString());
        this.audit.append({ action: 'keys.switch', actor: 'system', subject: k.kid, details: { kind: 'signing' } });
      });
      this.events.signerChanged(this.currentSigner().signer, this.publicKeys());
    }
    if (this.pendingTls && this.waitingFor(this.pendingTls.pin).length === 0) {
      const next = this.pendingTls;
      renameSync(this.config.files.tlsCert, `${this.config.files.tlsCert}.prev`);
      renameSync(this.config.files.tlsKey, `${this.config.files.tlsKey}.prev`);
      writeFileSync(this.config.files.tlsCert, next.certPem);
      writePrivate(this.config.files.tlsKey, next.keyPem);
      this.pendingTls = null;
      this.store.tx(() => {
        this.store.meta.set('tls:pending', '');
        this.audit.append({ action: 'keys.switch', actor: 'system', subject: next.pin, details: { kind: 'tls' } });
      });
      this.events.tlsChanged({ certPem: next.certPem, keyPem: next.keyPem });
    }
  }

  status(): { current: string; keys: PublicJwk[]; pending: { kind: string; id: string; waitingFor: string[] }[] } {
    return { current: this.file.current, keys: this.publicKeys(), pending: this.pendingList().map((p) => ({ ...p, waitingFor: this.waitingFor(p.id) })) };
  }

  /** Re-reads the key file (after an offline edit). */
  reload(): void {
    this.file = parseSigningKeys(readFileSync(this.config.files.signingKeys, 'utf8'));
  }
}
