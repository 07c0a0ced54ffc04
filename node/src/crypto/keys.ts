// Ed25519 signing keys as JWKs (docs/protocol.md §3.1): kid = RFC 7638 thumbprint; optional nbf/exp.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { sha256 } from './digest.js';

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  nbf?: number;
  exp?: number;
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

export interface Jwks {
  keys: PublicJwk[];
}

/** RFC 7638 thumbprint of an OKP key: SHA-256 over {"crv","kty","x"} in that order. */
export function thumbprint(jwk: { crv: string; kty: string; x: string }): string {
  return sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }));
}

export interface KeyProblem {
  /** JSON pointer into the key, e.g. `/kid`. */
  pointer: string;
  message: string;
}

/**
 * The checks every partner signing key passes before it is registered, whether it comes in a bundle
 * (`partner add`) or is announced in a statement (docs/protocol.md, Trust): an Ed25519 OKP public key
 * for EdDSA signatures, `x` the base64url of 32 bytes, `kid` its RFC 7638 thumbprint, integer
 * `nbf` ≤ `exp`, and no private member. Returns the first problem, or null.
 */
export function signingKeyProblem(key: unknown): KeyProblem | null {
  if (key === null || typeof key !== 'object' || Array.isArray(key))
    return { pointer: '', message: 'a key is a JWK object' };
  const k = key as Record<string, unknown>;
  const allowed = new Set(['kty', 'crv', 'x', 'kid', 'alg', 'use', 'nbf', 'exp']);
  const extra = Object.keys(k).find((m) => !allowed.has(m));
  if (extra !== undefined)
    return {
      pointer: `/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      message: `${extra} is not a member of a public signing key`,
    };
  if (k.kty !== 'OKP') return { pointer: '/kty', message: 'kty must be OKP' };
  if (k.crv !== 'Ed25519') return { pointer: '/crv', message: 'crv must be Ed25519' };
  if (k.alg !== 'EdDSA') return { pointer: '/alg', message: 'alg must be EdDSA' };
  if (k.use !== 'sig') return { pointer: '/use', message: 'use must be sig' };
  if (
    typeof k.x !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(k.x) ||
    Buffer.from(k.x, 'base64url').toString('base64url') !== k.x
  ) {
    return { pointer: '/x', message: 'x must be the base64url of 32 bytes' };
  }
  for (const m of ['nbf', 'exp'] as const) {
    if (k[m] !== undefined && !(Number.isSafeInteger(k[m]) && (k[m] as number) >= 0))
      return { pointer: `/${m}`, message: `${m} must be an integer number of seconds` };
  }
  if (typeof k.nbf === 'number' && typeof k.exp === 'number' && k.nbf > k.exp)
    return { pointer: '/exp', message: 'exp must not be before nbf' };
  if (k.kid !== thumbprint({ crv: k.crv, kty: k.kty, x: k.x }))
    return { pointer: '/kid', message: 'kid must be the RFC 7638 thumbprint of the key' };
  try {
    publicKeyObject(k as unknown as PublicJwk);
  } catch {
    return { pointer: '/x', message: 'x is not an Ed25519 public key' };
  }
  return null;
}

export function generateSigningKey(nbf?: number): PrivateJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const key: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid: '', alg: 'EdDSA', use: 'sig' };
  key.kid = thumbprint(key);
  if (nbf !== undefined) key.nbf = nbf;
  return key;
}

export function publicJwk(key: PrivateJwk | PublicJwk): PublicJwk {
  const { kty, crv, x, kid, alg, use, nbf, exp } = key;
  const out: PublicJwk = { kty, crv, x, kid, alg, use };
  if (nbf !== undefined) out.nbf = nbf;
  if (exp !== undefined) out.exp = exp;
  return out;
}

export function privateKeyObject(key: PrivateJwk): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x, d: key.d }, format: 'jwk' });
}

export function publicKeyObject(key: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x }, format: 'jwk' });
}

/** A key verifies a payload only if its `iat` lies within [nbf, exp] (docs/protocol.md §3.1). */
export function keyValidAt(key: PublicJwk, iat: number): boolean {
  return (key.nbf === undefined || iat >= key.nbf) && (key.exp === undefined || iat <= key.exp);
}
