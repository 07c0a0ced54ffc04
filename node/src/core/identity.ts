// The node's identity: the key it signs with, the public keys partners hold, the TLS identity it
// serves and connects with, and the keys being rotated in (docs/protocol.md §3.5). One instance per
// node; everyone who signs or connects reads it, and only the key service (services/keys.ts) changes it.
import { FileSigner, type Signer } from '../crypto/jws.js';
import { publicJwk, signingKeyProblem, type PrivateJwk, type PublicJwk } from '../crypto/keys.js';
import type { MetaTable } from '../store/meta.js';

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

export interface SigningKeyFile {
  /** The kid releases are signed with now. */
  current: string;
  keys: PrivateJwk[];
}

/** A key or TLS pin announced in statements and not yet in use. */
export interface PendingKey {
  kind: 'signing' | 'tls';
  id: string;
}

export interface Announcements {
  keys: PublicJwk[];
  pins: string[];
  pending: PendingKey[];
}

export type PendingTls = TlsIdentity & { pin: string };

export function parseSigningKeys(json: string): SigningKeyFile {
  const parsed = JSON.parse(json) as SigningKeyFile;
  if (!Array.isArray(parsed.keys) || !parsed.keys.some((k) => k.kid === parsed.current)) {
    throw new Error('signing-keys.json: `current` must name one of `keys`');
  }
  // the same checks a partner applies to these keys when they arrive in our bundle or a statement
  parsed.keys.forEach((k, i) => {
    const problem = signingKeyProblem(publicJwk(k));
    if (problem) throw new Error(`signing-keys.json: keys[${i}]${problem.pointer}: ${problem.message}`);
  });
  return parsed;
}

export class NodeIdentity {
  private file!: SigningKeyFile;
  private currentSigner!: Signer;
  private currentKey!: PublicJwk;
  private allKeys!: PublicJwk[];
  private tlsNow: TlsIdentity;
  private tlsNext: PendingTls | null;

  constructor(
    readonly nodeId: string,
    secrets: { signingKeysJson: string; tlsCertPem: string; tlsKeyPem: string },
    private readonly meta: MetaTable,
  ) {
    this.useKeyFile(parseSigningKeys(secrets.signingKeysJson));
    this.tlsNow = { certPem: secrets.tlsCertPem, keyPem: secrets.tlsKeyPem };
    const next = meta.get('tls:pending');
    this.tlsNext = next ? (JSON.parse(next) as PendingTls) : null;
  }

  /** Signs releases, receipts, records and checkpoints. */
  get signer(): Signer {
    return this.currentSigner;
  }

  /** The public key of the signer in use. */
  get signingKey(): PublicJwk {
    return this.currentKey;
  }

  /** Every signing key partners hold (in use, rotated in or out). */
  get publicKeys(): PublicJwk[] {
    return this.allKeys;
  }

  /** The TLS identity the federation listener serves and peer clients present. */
  get tls(): TlsIdentity {
    return this.tlsNow;
  }

  get keyFile(): SigningKeyFile {
    return this.file;
  }

  get pendingTls(): PendingTls | null {
    return this.tlsNext;
  }

  /** Signing keys added after the current one and not yet switched to. */
  pendingKeys(): PublicJwk[] {
    const current = this.file.keys.find((k) => k.kid === this.file.current)!;
    return this.file.keys
      .filter(
        (k) =>
          k.kid !== current.kid &&
          (k.nbf ?? 0) >= (current.nbf ?? 0) &&
          this.meta.get(`key:active:${k.kid}`) === undefined,
      )
      .map(publicJwk);
  }

  /** What every statement announces until it is in use. */
  announcements(): Announcements {
    const keys = this.pendingKeys();
    const pins = this.tlsNext ? [this.tlsNext.pin] : [];
    const pending: PendingKey[] = [
      ...keys.map((k) => ({ kind: 'signing' as const, id: k.kid })),
      ...pins.map((pin) => ({ kind: 'tls' as const, id: pin })),
    ];
    return { keys, pins, pending };
  }

  // ---------- changed by the key service only

  useKeyFile(file: SigningKeyFile): void {
    const current = file.keys.find((k) => k.kid === file.current)!;
    this.file = file;
    this.currentSigner = new FileSigner(current);
    this.currentKey = publicJwk(current);
    this.allKeys = file.keys.map(publicJwk);
  }

  usePendingTls(next: PendingTls | null): void {
    this.tlsNext = next;
  }

  useTls(tls: TlsIdentity): void {
    this.tlsNow = tls;
  }
}
