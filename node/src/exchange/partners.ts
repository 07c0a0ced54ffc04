// The partner registry (docs/protocol.md §3.2–§3.4): bundle checks, registration, removal, and the live
// resolution of a TLS peer to a partner on every request.
import type { X509Certificate } from 'node:crypto';
import {
  chainsTo,
  isNonIdentifyingCaSubject,
  leafProblem,
  nodeIdOfCert,
  parseCert,
  spkiSha256,
} from '../crypto/certs.js';
import { signingKeyProblem, type PublicJwk } from '../crypto/keys.js';
import { AppError, validationError } from '../domain/errors.js';
import { schemas } from '../schema/registry.js';
import type { ExchangeStore } from '../store/exchange.js';
import type { PartnerRow } from '../store/partners.js';
import { Emitter } from '../core/events.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { NodeMode } from '../config/index.js';
import { bundleFingerprint, fingerprintMatches, type Bundle } from './bundle.js';

export interface PartnerTrust {
  nodeId: string;
  cas: X509Certificate[];
  casPem: string[];
  pins: Set<string>;
  keys: PublicJwk[];
  url: string;
  bundle: Bundle;
}

export interface PartnerEvents extends Record<string, unknown[]> {
  /** A partner's trust changed (registered, updated, removed): connections to it must be renewed. */
  changed: [nodeId: string];
}

/** Checks a bundle as docs/protocol.md §3.2 says; returns it typed. Throws AppError naming what is wrong. */
export function checkBundle(
  bundle: unknown,
  fingerprint: string,
  self: { nodeId: string; mode: NodeMode },
  now = Date.now(),
): Bundle {
  const errors = schemas().validate('partner-bundle', bundle);
  if (errors.length > 0)
    throw validationError(errors, '/bundle', 'the bundle does not match partner-bundle.schema.json');
  const b = bundle as Bundle;
  if (!fingerprintMatches(fingerprint, bundleFingerprint(b)))
    throw new AppError(
      'fingerprint-mismatch',
      'the fingerprint does not match this bundle: compare it with the partner over a second channel',
    );
  if (b.nodeId === self.nodeId) throw new AppError('bad-bundle', 'this is our own bundle');
  // live and exercise data never meet (docs/protocol.md §14.5): refused before anything is stored
  const mode: NodeMode = b.mode ?? 'live';
  if (mode !== self.mode)
    throw new AppError(
      'mode-mismatch',
      self.mode === 'exercise'
        ? `${b.nodeId} is a live node and this is an exercise node: exercise nodes partner only with exercise nodes (ask for the bundle of the partner's exercise node)`
        : `${b.nodeId} is an exercise node and this is a live node: live nodes never take exercise partners (register it on an exercise node made with \`entente init --exercise\`)`,
    );
  let cas: X509Certificate[];
  let leaf: X509Certificate;
  try {
    cas = b.cas.map(parseCert);
    leaf = parseCert(b.cert);
  } catch {
    throw new AppError('bad-bundle', 'a certificate in the bundle cannot be parsed');
  }
  cas.forEach((ca, i) => {
    if (!isNonIdentifyingCaSubject(ca))
      throw new AppError(
        'bad-bundle',
        `cas[${i}]: the CA subject must be exactly CN=entente-ca-<16 lowercase hex> (CA names are visible to anyone who connects)`,
      );
    if (!ca.ca) throw new AppError('bad-bundle', `cas[${i}] is not a CA certificate`);
  });
  if (!cas.some((ca) => chainsTo(leaf, ca, now)))
    throw new AppError('bad-bundle', 'cert does not chain to any of cas (or is outside its validity)');
  if (nodeIdOfCert(leaf) !== b.nodeId)
    throw new AppError('bad-bundle', `cert must carry exactly one SAN URI urn:entente:node:${b.nodeId}`);
  // the leaf serves both directions: it must be fit for each (no CA, EKU serverAuth and clientAuth)
  const unfit = leafProblem(leaf, 'serverAuth') ?? leafProblem(leaf, 'clientAuth');
  if (unfit)
    throw new AppError(
      'bad-bundle',
      `cert: ${unfit}; a partner's TLS certificate is a leaf with EKU serverAuth and clientAuth`,
    );
  if (!b.tlsSpkiSha256.includes(spkiSha256(leaf)))
    throw new AppError('bad-bundle', "cert's SPKI is not among tlsSpkiSha256");
  b.keys.keys.forEach((k, i) => {
    const problem = signingKeyProblem(k);
    if (problem) throw new AppError('bad-bundle', `keys[${i}]: ${problem.message}`);
  });
  return b;
}

/**
 * The first announced key that fails the checks a bundle's keys pass (signingKeyProblem, one function
 * for both), as a pointer into the statement's `keys`, or null.
 */
export function announcedKeyProblem(keys: readonly unknown[]): { pointer: string; message: string } | null {
  for (const [i, k] of keys.entries()) {
    const problem = signingKeyProblem(k);
    if (problem) return { pointer: `/keys/${i}${problem.pointer}`, message: problem.message };
  }
  return null;
}

export class PartnerService {
  readonly events = new Emitter<PartnerEvents>();
  private cache: Map<string, PartnerTrust> | null = null;
  private generation = 0;

  constructor(
    private readonly store: ExchangeStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly selfNodeId: string,
    private readonly selfMode: NodeMode = 'live',
  ) {}

  private changed(nodeId: string): void {
    this.cache = null;
    this.generation++;
    this.events.emit('changed', nodeId);
  }

  get trustGeneration(): number {
    return this.generation;
  }

  /**
   * Registers or updates a partner's trust. Runs `inTx` inside the same transaction (agreements and
   * streams hook in here). Returns whether the partner is new.
   */
  register(
    bundle: unknown,
    fingerprint: string,
    actor: string,
    inTx?: (b: Bundle, isNew: boolean) => void,
  ): { bundle: Bundle; created: boolean } {
    const b = checkBundle(bundle, fingerprint, { nodeId: this.selfNodeId, mode: this.selfMode }, this.clock.now());
    const at = new Date(this.clock.now()).toISOString();
    let created = false;
    this.store.tx(() => {
      const existing = this.store.partners.get(b.nodeId);
      created = !existing;
      const fp = bundleFingerprint(b);
      this.store.partners.upsert({
        node_id: b.nodeId,
        bundle: JSON.stringify(b),
        fingerprint: fp,
        name: b.name,
        country: b.country,
        url: b.url,
        added_at: existing?.added_at ?? at,
        updated_at: at,
      });
      this.store.partners.replaceBundleTrust(
        b.nodeId,
        b.keys.keys.map((k) => ({ kid: k.kid, jwk: JSON.stringify(k) })),
        b.tlsSpkiSha256,
        at,
      );
      const action = created ? 'partner.add' : existing?.removed_at ? 'partner.readd' : 'partner.update';
      this.audit.append({
        action,
        actor,
        subject: b.nodeId,
        details: { fingerprint: fp, url: b.url, pins: b.tlsSpkiSha256, kids: b.keys.keys.map((k) => k.kid) },
      });
      inTx?.(b, created);
    });
    this.changed(b.nodeId);
    return { bundle: b, created };
  }

  remove(nodeId: string, actor: string, inTx?: () => void): void {
    this.store.tx(() => {
      if (!this.store.partners.markRemoved(nodeId, new Date(this.clock.now()).toISOString()))
        throw new AppError('not-found', `no partner ${nodeId}`);
      this.audit.append({ action: 'partner.remove', actor, subject: nodeId });
      inTx?.();
    });
    this.changed(nodeId);
  }

  /**
   * Adds signing keys or pins announced in a statement (docs/protocol.md, Trust); audited by the
   * caller's transaction. The caller has checked the keys with announcedKeyProblem().
   */
  addAnnounced(nodeId: string, keys: PublicJwk[], pins: string[]): { keys: string[]; pins: string[] } {
    const at = new Date(this.clock.now()).toISOString();
    const added = { keys: [] as string[], pins: [] as string[] };
    for (const k of keys) if (this.store.partners.addKey(nodeId, k.kid, JSON.stringify(k), at)) added.keys.push(k.kid);
    for (const p of pins) if (this.store.partners.addPin(nodeId, p, at)) added.pins.push(p);
    if (added.keys.length || added.pins.length) {
      this.cache = null;
      this.generation++;
    }
    return added;
  }

  get(nodeId: string): PartnerRow | undefined {
    return this.store.partners.get(nodeId);
  }

  countryOf(nodeId: string): string | undefined {
    return this.store.partners.country(nodeId);
  }

  list(): PartnerRow[] {
    return this.store.partners.all();
  }

  /** Trust material of the active partners, cached until the registry changes. */
  trust(): Map<string, PartnerTrust> {
    if (this.cache) return this.cache;
    const map = new Map<string, PartnerTrust>();
    for (const p of this.store.partners.active()) {
      const bundle = JSON.parse(p.bundle) as Bundle;
      map.set(p.node_id, {
        nodeId: p.node_id,
        cas: bundle.cas.map(parseCert),
        casPem: bundle.cas,
        pins: new Set(this.store.partners.pins(p.node_id)),
        keys: this.store.partners.keys(p.node_id).map((k) => JSON.parse(k.jwk) as PublicJwk),
        url: p.url,
        bundle,
      });
    }
    this.cache = map;
    return map;
  }

  /** Union of active partners' CAs: the federation listener's trust store. */
  trustedCas(): string[] {
    return [...this.trust().values()].flatMap((t) => t.casPem);
  }

  /**
   * Resolves an authenticated TLS peer to a partner (docs/protocol.md §3.3): the certificate chains to *that*
   * partner's cas, carries exactly one urn:entente:node: SAN URI naming it, is a leaf fit for a client
   * (no CA, EKU clientAuth), and its SPKI is pinned.
   */
  resolvePeer(cert: X509Certificate | undefined): string | null {
    if (!cert) return null;
    const nodeId = nodeIdOfCert(cert);
    if (!nodeId) return null;
    const t = this.trust().get(nodeId);
    if (!t) return null;
    if (leafProblem(cert, 'clientAuth')) return null;
    const now = this.clock.now();
    if (!t.cas.some((ca) => chainsTo(cert, ca, now))) return null;
    if (!t.pins.has(spkiSha256(cert))) return null;
    return nodeId;
  }
}
