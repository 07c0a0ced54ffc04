// Compact JWS with the exact header of docs/protocol.md §6.2, Ed25519 only. Signing is synchronous (node:crypto)
// so a payload can be fixed and signed next to a database transaction; verification is strict and
// returns a reason, never a bare boolean.
import { sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import {
  canonicalBytes,
  canonicalString,
  hasDuplicateMember,
  parseCanonicalText,
  CanonicalError,
} from './canonical.js';
import { keyValidAt, privateKeyObject, publicKeyObject, type PrivateJwk, type PublicJwk } from './keys.js';
import { sha256 } from './digest.js';
import type { Presigned } from './signature-pool.js';

export type JwsType = 'entente-release+jws' | 'entente-receipt+jws' | 'entente-checkpoint+jws' | 'entente-record+jws';

export interface Signer {
  readonly kid: string;
  /** Signs canonical payload bytes; returns the compact JWS. */
  sign(payload: Uint8Array, typ: JwsType): string;
}

export class FileSigner implements Signer {
  readonly kid: string;
  private readonly key: KeyObject;
  constructor(jwk: PrivateJwk) {
    this.kid = jwk.kid;
    this.key = privateKeyObject(jwk);
  }
  sign(payload: Uint8Array, typ: JwsType): string {
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: this.kid, typ })).toString('base64url');
    const body = Buffer.from(payload).toString('base64url');
    const input = `${header}.${body}`;
    const sig = edSign(null, Buffer.from(input, 'ascii'), this.key).toString('base64url');
    return `${input}.${sig}`;
  }
}

/** Signs a JSON value: returns the JWS, the canonical payload bytes and their hash. */
export function signJson(signer: Signer, value: unknown, typ: JwsType): { jws: string; payload: Buffer; hash: string } {
  const payload = canonicalBytes(value);
  return { jws: signer.sign(payload, typ), payload, hash: sha256(payload) };
}

export type VerifyFailure =
  'malformed' | 'header' | 'unknown-kid' | 'key-not-valid-at-iat' | 'signature' | 'not-canonical' | 'too-large';

export type VerifyResult =
  | {
      ok: true;
      header: { alg: 'EdDSA'; kid: string; typ: JwsType };
      payload: unknown;
      payloadBytes: Buffer;
      payloadText: string;
      hash: string;
    }
  | { ok: false; reason: VerifyFailure; detail: string };

const B64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const keyObjects = new Map<string, KeyObject>();
/** KeyObjects cached by key material (creating one is a measurable share of a verification). */
function keyObjectOf(key: PublicJwk): KeyObject {
  let k = keyObjects.get(key.x);
  if (!k) {
    k = publicKeyObject(key);
    if (keyObjects.size > 1000) keyObjects.clear();
    keyObjects.set(key.x, k);
  }
  return k;
}

export interface Peeked {
  header: Record<string, unknown>;
  payload: unknown;
  payloadBytes: Buffer;
  payloadText: string;
}

/** Header and payload decoded without verifying: to find the `kid` and `iss` before key lookup. */
export function peekJws(jws: string): Peeked | null {
  if (typeof jws !== 'string') return null;
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payloadBytes = Buffer.from(parts[1]!, 'base64url');
    const payloadText = payloadBytes.toString('utf8');
    const payload = JSON.parse(payloadText) as unknown;
    if (header === null || typeof header !== 'object' || Array.isArray(header)) return null;
    return { header: header as Record<string, unknown>, payload, payloadBytes, payloadText };
  } catch {
    return null;
  }
}

export interface VerifyOptions {
  typ: JwsType;
  /** The signer's registered keys; the header's kid picks one. */
  keys: readonly PublicJwk[];
  /** Reads the payload's iat (seconds) for the key-validity window; undefined skips the window. */
  iatOf?: (payload: unknown) => number | undefined;
  maxPayloadBytes?: number;
  /** The result of peekJws on the same text, to decode the payload once. */
  peeked?: Peeked;
  /** The signature already checked (SignaturePool); used only if it was checked with the key the kid picks. */
  presigned?: Presigned;
}

/** An Ed25519 signature (base64url) over a JWS signing input, checked with a registered key. */
export function checkSignature(signingInput: string, signature: string, key: PublicJwk): boolean {
  const sig = Buffer.from(signature, 'base64url');
  return sig.length === 64 && edVerify(null, Buffer.from(signingInput, 'ascii'), keyObjectOf(key), sig);
}

/** Brief §6.2, §6.1 and §6.7 checks 2–5 (header, kid, signature, canonical payload). */
export function verifyJws(jws: string, options: VerifyOptions): VerifyResult {
  const fail = (reason: VerifyFailure, detail: string): VerifyResult => ({ ok: false, reason, detail });
  if (typeof jws !== 'string') return fail('malformed', 'not a compact JWS');
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p)) || parts[2]!.length === 0)
    return fail('malformed', 'not a compact JWS');
  let header: unknown;
  let headerText: string;
  try {
    headerText = utf8.decode(Buffer.from(parts[0]!, 'base64url'));
    header = JSON.parse(headerText);
  } catch {
    return fail('header', 'protected header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    return fail('header', 'protected header is not an object');
  // JSON.parse keeps the last of two equal names: {"alg":"none","alg":"EdDSA"} must not read as EdDSA
  if (hasDuplicateMember(headerText)) return fail('header', 'protected header has a duplicate member');
  const h = header as Record<string, unknown>;
  const members = Object.keys(h).sort().join(',');
  if (members !== 'alg,kid,typ') return fail('header', 'protected header must be exactly {alg, kid, typ}');
  if (h.alg !== 'EdDSA') return fail('header', 'alg must be EdDSA');
  if (h.typ !== options.typ) return fail('header', `typ must be ${options.typ}`);
  if (typeof h.kid !== 'string') return fail('header', 'kid must be a string');
  const payloadBytes = options.peeked?.payloadBytes ?? Buffer.from(parts[1]!, 'base64url');
  if (options.maxPayloadBytes !== undefined && payloadBytes.length > options.maxPayloadBytes) {
    return fail('too-large', `payload exceeds ${options.maxPayloadBytes} bytes`);
  }
  const key = options.keys.find((k) => k.kid === h.kid);
  if (!key) return fail('unknown-kid', 'kid is not a registered key of the signer');
  const pre = options.presigned;
  const signed = pre && pre.x === key.x ? pre.ok : checkSignature(`${parts[0]}.${parts[1]}`, parts[2]!, key);
  if (!signed) return fail('signature', 'signature does not verify');
  let payload: unknown;
  let payloadText: string;
  try {
    if (options.peeked) {
      // peekJws parsed the same bytes; what is left is the canonical-form check
      payload = options.peeked.payload;
      payloadText = options.peeked.payloadText;
      // the definitive check: the canonical serialisation, as UTF-8, is exactly the bytes received
      // (this also refuses invalid UTF-8, which a lenient decode would have replaced)
      if (!Buffer.from(canonicalString(payload), 'utf8').equals(payloadBytes)) {
        throw new CanonicalError('payload is not in RFC 8785 canonical form (or has a duplicate key)');
      }
    } else {
      ({ value: payload, text: payloadText } = parseCanonicalText(payloadBytes));
    }
  } catch (e) {
    return fail('not-canonical', e instanceof CanonicalError ? e.message : 'payload is not canonical');
  }
  if (options.iatOf) {
    const iat = options.iatOf(payload);
    if (iat !== undefined && !keyValidAt(key, iat))
      return fail('key-not-valid-at-iat', 'the key is not valid at the payload iat');
  }
  return {
    ok: true,
    header: { alg: 'EdDSA', kid: h.kid, typ: options.typ },
    payload,
    payloadBytes,
    payloadText,
    hash: sha256(payloadBytes),
  };
}
