// Key rotation (docs/protocol.md §3.5): `entente keys rotate` adds a signing key (or a TLS key whose
// pin is announced), every statement announces it, and this node starts using it only once every
// partner's receipt covers a statement that announced it. Keys validate by iat, so a partner that
// was offline through the rotation catches up with no dependence on its clock. The node identity
// changes here and nowhere else.
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import type { NodeConfig, Secrets } from '../config/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { Emitter } from '../core/events.js';
import type { NodeIdentity, PendingKey } from '../core/identity.js';
import { createNodeCert, spkiSha256 } from '../crypto/certs.js';
import { generateSigningKey, type PublicJwk } from '../crypto/keys.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/index.js';

/** How a rotation reaches partners: a statement in every stream, and pushers woken after the commit. */
export interface KeyAnnouncer {
  /** Inside the caller's transaction; returns the partners announced to. */
  announceKeys(): string[];
  wake(partners: string[]): void;
}

export interface KeyEvents extends Record<string, unknown[]> {
  /** Releases are now signed with this key. */
  'signing-key': [kid: string];
  /** The federation listener and peer clients must present the new TLS identity. */
  tls: [];
}

export interface KeyServiceDeps {
  store: Store;
  audit: AuditService;
  clock: Clock;
  identity: NodeIdentity;
  announcer: KeyAnnouncer;
  config: Pick<NodeConfig, 'nodeId' | 'url' | 'files'>;
  secrets: Pick<Secrets, 'caCertPem' | 'caKeyPem'>;
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export class KeyService {
  readonly events = new Emitter<KeyEvents>();

  constructor(private readonly d: KeyServiceDeps) {}

  private pending(): PendingKey[] {
    return this.d.identity.announcements().pending;
  }

  /** Adds a key and announces it to every partner; returns what it waits for. */
  rotate(kind: 'signing' | 'tls', actor: string): { kind: string; id: string; waitingFor: string[] } {
    const { identity, config, store } = this.d;
    let id: string;
    if (kind === 'signing') {
      if (identity.pendingKeys().length) {
        throw new AppError('conflict', "a signing key rotation is already waiting for partners' receipts");
      }
      const key = generateSigningKey(Math.floor(this.d.clock.now() / 1000));
      const file = { ...identity.keyFile, keys: [...identity.keyFile.keys, key] };
      writePrivate(config.files.signingKeys, JSON.stringify(file, null, 2) + '\n');
      identity.useKeyFile(file);
      id = key.kid;
    } else {
      if (identity.pendingTls)
        throw new AppError('conflict', "a TLS key rotation is already waiting for partners' receipts");
      const ca = { certPem: this.d.secrets.caCertPem, keyPem: this.d.secrets.caKeyPem };
      const hosts = ['localhost', '127.0.0.1', new URL(config.url).hostname];
      const next = createNodeCert(ca, { nodeId: config.nodeId, hosts });
      identity.usePendingTls({ certPem: next.certPem, keyPem: next.keyPem, pin: spkiSha256(next.certPem) });
      id = identity.pendingTls!.pin;
    }
    let partners: string[] = [];
    store.tx(() => {
      if (kind === 'tls') store.meta.set('tls:pending', JSON.stringify(identity.pendingTls));
      partners = this.d.announcer.announceKeys();
      this.d.audit.append({ action: 'keys.rotate', actor, subject: id, details: { kind, announcedTo: partners } });
    });
    this.d.announcer.wake(partners);
    this.check();
    return { kind, id, waitingFor: this.waitingFor(id) };
  }

  /** Partners whose receipts do not yet cover an announcement of `id`. */
  waitingFor(id: string): string[] {
    const { store } = this.d;
    const ann = new Map(store.exchange.announcements(id).map((a) => [a.partner, a]));
    const waiting: string[] = [];
    for (const p of store.partners.active()) {
      const s = store.exchange.outStream(p.node_id);
      if (!s) continue;
      const a = ann.get(p.node_id);
      if (!a || a.stream !== s.stream || s.receipt_upto < a.seq) waiting.push(p.node_id);
    }
    return waiting;
  }

  /** Switches to keys whose announcements every partner has acknowledged (after each receipt). */
  check(): void {
    const { identity, config, store } = this.d;
    for (const k of identity.pendingKeys()) {
      if (this.waitingFor(k.kid).length) continue;
      const file = { ...identity.keyFile, current: k.kid };
      writePrivate(config.files.signingKeys, JSON.stringify(file, null, 2) + '\n');
      store.tx(() => {
        store.meta.set(`key:active:${k.kid}`, new Date(this.d.clock.now()).toISOString());
        this.d.audit.append({ action: 'keys.switch', actor: 'system', subject: k.kid, details: { kind: 'signing' } });
      });
      identity.useKeyFile(file);
      this.events.emit('signing-key', k.kid);
    }
    const next = identity.pendingTls;
    if (next && this.waitingFor(next.pin).length === 0) {
      renameSync(config.files.tlsCert, `${config.files.tlsCert}.prev`);
      renameSync(config.files.tlsKey, `${config.files.tlsKey}.prev`);
      writeFileSync(config.files.tlsCert, next.certPem);
      writePrivate(config.files.tlsKey, next.keyPem);
      identity.usePendingTls(null);
      store.tx(() => {
        store.meta.set('tls:pending', '');
        this.d.audit.append({ action: 'keys.switch', actor: 'system', subject: next.pin, details: { kind: 'tls' } });
      });
      identity.useTls({ certPem: next.certPem, keyPem: next.keyPem });
      this.events.emit('tls');
    }
  }

  status(): { current: string; keys: PublicJwk[]; pending: { kind: string; id: string; waitingFor: string[] }[] } {
    const { identity } = this.d;
    const pending = this.pending().map((p) => ({ ...p, waitingFor: this.waitingFor(p.id) }));
    return { current: identity.keyFile.current, keys: identity.publicKeys, pending };
  }
}
