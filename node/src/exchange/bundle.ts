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
  };
}

/** base64url(sha256(JCS(bundle))), 43 characters (docs/protocol.md §3.2). */
export function bundleFingerprint(bundle: unknown): string {
  return sha256(canonicalBytes(bundle));
}

/** The fingerprint in groups of four separated by single spaces, for reading aloud. */
export function groupFingerprint(fp: string): string {
  return fp.match(/.{1,4}/g)!.join(' ');
}
