// SHA-256 digests, base64url without padding (docs/protocol.md §6.1).
import { createHash, hash } from 'node:crypto';
import { canonicalBytes } from './canonical.js';

export function sha256(bytes: Uint8Array | string): string {
  return hash('sha256', bytes, 'base64url');
}

export function sha256Raw(bytes: Uint8Array | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** hash(JCS(value)): the digest of a record as carried, of an agreement, of a bundle. */
export function jcsDigest(value: unknown): string {
  return sha256(canonicalBytes(value));
}

export function randomId(bytes = 16): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}
