// The partner bundle (docs/protocol.md §3.2): what a node sends a partner to be registered, and its
// fingerprint, read aloud over a second channel.
import { canonicalBytes } from '../crypto/canonical.js';
import { spkiSha256 } from '../crypto/certs.js';
import { sha256 } from '../crypto/digest.js';
import { publicJwk } from '../crypto/keys.js';
import type { NodeConfig, Secrets } from '../config/index.js';
import { parseSigningKeys } from '../core/identity.js';
import type { PartnerBundle } from './wire.js';

export type Bundle = PartnerBundle;

export function buildBundle(config: NodeConfig, secrets: Secrets): Bundle {
  const keys = parseSigningKeys(secrets.signingKeysJson);
  return {
    entente: 1,
    nodeId: config.nodeId,
    name: config.name,
    country: config.country as Bundle['country'],
    url: config.url,
    cas: [secrets.caCertPem.trim() + '\n'],
    cert: secrets.tlsCertPem.trim() + '\n',
    tlsSpkiSha256: [spkiSha256(secrets.tlsCertPem)],
    keys: { keys: keys.keys.map(publicJwk) },
    // entente/1.1 (docs/protocol.md §14.5): a live node's bundle stays exactly a 1.0 bundle
    ...(config.mode === 'exercise' ? { mode: 'exercise' as const } : {}),
  };
}

/** base64url(sha256(JCS(bundle))), 43 characters (docs/protocol.md §3.2). */
export function bundleFingerprint(bundle: unknown): string {
  return sha256(canonicalBytes(bundle));
}

/** The fingerprint in groups of four separated by single spaces. */
export function groupFingerprint(fp: string): string {
  return fp.match(/.{1,4}/g)!.join(' ');
}

/**
 * The read-aloud form of a fingerprint (docs/protocol.md §3.2), for phone lines where case and `-`/`_`
 * get lost: six groups of five digits from the same 32-byte digest d, group k being the big-endian
 * 40-bit integer of d[5k..5k+4] modulo 100000, zero-padded.
 */
export function readAloudFingerprint(fp: string): string {
  const d = Buffer.from(fp, 'base64url');
  if (d.length !== 32) throw new Error('a fingerprint is 43 base64url characters (32 bytes)');
  const groups: string[] = [];
  for (let k = 0; k < 6; k++) {
    const n = d.readUIntBE(5 * k, 5); // 40 bits: within a double's exact integers
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/** Whether what the operator typed (43 characters, or 30 digits; spaces ignored) is this fingerprint. */
export function fingerprintMatches(given: string, fp: string): boolean {
  const typed = given.replace(/\s+/g, '');
  if (/^[0-9]{30}$/.test(typed)) return typed === readAloudFingerprint(fp).replace(/ /g, '');
  return typed === fp;
}
