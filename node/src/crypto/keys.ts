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
