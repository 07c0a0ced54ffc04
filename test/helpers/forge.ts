// Crafts releases as a partner would (signed with its real key), including hostile ones, to drive
// the receiver's checks directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, sign } from 'node:crypto';
import { canonicalString } from '../../node/src/crypto/canonical.js';
import { sha256 } from '../../node/src/crypto/digest.js';
import type { TestNode } from './nodes.js';

export interface SigningMaterial {
  kid: string;
  key: ReturnType<typeof createPrivateKey>;
}

export function signingKeyOf(node: TestNode): SigningMaterial {
  const file = JSON.parse(readFileSync(join(node.dir, 'signing-keys.json'), 'utf8')) as {
    current: string;
    keys: { kid: string; x: string; d: string }[];
  };
  const k = file.keys.find((x) => x.kid === file.current)!;
  return { kid: k.kid, key: createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x, d: k.d }, format: 'jwk' }) };
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A compact JWS over exact payload text, with a header of our choosing. */
export function jwsOver(
  m: SigningMaterial,
  payloadText: string,
  header: Record<string, unknown> = { alg: 'EdDSA', kid: m.kid, typ: 'entente-release+jws' },
): string {
  const h = b64(JSON.stringify(header));
  const p = b64(payloadText);
  return `${h}.${p}.${sign(null, Buffer.from(`${h}.${p}`), m.key).toString('base64url')}`;
}

export interface StreamPosition {
  stream: string;
  seq: number;
  prev: string;
  iat: number;
}

/** Where the receiver expects the sender's next release. */
export function expectedAt(receiver: TestNode, sender: string): StreamPosition {
  const st = receiver.node.store.exchange.inStream(sender);
  if (!st) return { stream: '', seq: 1, prev: '', iat: 0 };
  return { stream: st.stream, seq: st.next_seq, prev: st.last_hash, iat: st.last_iat };
}

export function payloadHash(payload: unknown): string {
  return sha256(canonicalString(payload));
}

export function releasePayload(
  from: TestNode,
  to: TestNode,
  pos: StreamPosition,
  kind: string,
  member: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, any> {
  return {
    iss: from.nodeId,
    aud: to.nodeId,
    stream: pos.stream,
    seq: pos.seq,
    prev: pos.prev,
    iat: Math.max(pos.iat, Math.floor(Date.now() / 1000)),
    kind,
    agreement: null,
    ...member,
    ...extra,
  };
}
