// The receiver's checks 1–11 of docs/protocol.md §6.7, in their order, over a batch and the inbound
// stream position, without writing anything: the first failing check decides the answer (403, 422,
// 409 or 503). What they need of the world comes in through CheckContext.
import { peekJws, verifyJws } from '../../crypto/jws.js';
import type { PublicJwk } from '../../crypto/keys.js';
import type { Presigned } from '../../crypto/signature-pool.js';
import { AppError } from '../../domain/errors.js';
import { nodeIdOfUrn } from '../../domain/record-rules.js';
import { isObject } from '../../domain/validation.js';
import { schemas } from '../../schema/registry.js';
import type { ReleasePayload } from '../wire.js';

// `ack` is entente/1.1 (docs/protocol.md §14.3); a node in 1.0 mode quarantines it as unknown at check 12
export const KNOWN_KINDS = new Set(['record', 'tombstone', 'statement', 'consultation', 'ack']);
export const MAX_SKEW_SECONDS = 300;

/** Where the inbound stream stands (the row's members the checks read). */
export interface InboundPosition {
  stream: string;
  next_seq: number;
  last_hash: string;
  last_iat: number;
  old_streams: string;
}

export interface CheckContext {
  peer: string;
  nodeId: string;
  /** The peer's registered signing keys. */
  keys: readonly PublicJwk[];
  maxReleaseBytes: number;
  nowSec: number;
  /** Signatures already checked on other threads, by item index. */
  presigned?: Map<number, Presigned>;
  /** The payload hash held at a seq of the current stream, if any (resend or rollback). */
  heldHash(stream: string, seq: number): string | undefined;
  alarm(kind: string, detail: string): void;
  /** The sender sent a held seq with other content: it lost what it sent. */
  rollback(seq: number): void;
  /** A 409 carrying the expected position and the current receipt. */
  conflict(why: string): Error;
}

export interface Verified {
  jws: string;
  payload: ReleasePayload;
  text: string;
  hash: string;
}

function unprocessable(k: number, why: string): AppError {
  return new AppError('unprocessable', `item ${k}: ${why}`);
}

const iatOf = (p: unknown) => (isObject(p) && typeof p.iat === 'number' ? p.iat : undefined);

/** Checks 1–11; returns the verified items and the new stream they start, if any. */
export function checkBatch(
  items: readonly string[],
  st: InboundPosition,
  c: CheckContext,
): { verified: Verified[]; newStream: string | null } {
  // check 1, before anything else: every item's iss is the authenticated peer
  const peeks = items.map((item) => peekJws(item));
  for (const peeked of peeks) {
    if (peeked && (!isObject(peeked.payload) || peeked.payload.iss !== c.peer)) throw new AppError('forbidden', '');
  }
  const old = JSON.parse(st.old_streams) as string[];
  let expectedSeq = st.next_seq;
  let prevHash = st.last_hash;
  let prevIat = st.last_iat;
  let stream = st.stream;
  let newStream: string | null = null;
  const verified: Verified[] = [];
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    const peeked = peeks[k];
    if (!peeked) throw unprocessable(k, 'not a compact JWS');
    // checks 2–5: header, kid, signature, canonical payload
    const r = verifyJws(item, {
      typ: 'entente-release+jws',
      keys: c.keys,
      iatOf,
      maxPayloadBytes: c.maxReleaseBytes,
      peeked,
      presigned: c.presigned?.get(k),
    });
    if (!r.ok) throw unprocessable(k, `${r.reason}: ${r.detail}`);
    const p = r.payload as ReleasePayload;
    // check 6: the envelope of its kind (or of any kind)
    const kind = String((p as { kind?: unknown }).kind);
    const env = schemas().validate('release-payload', p, KNOWN_KINDS.has(kind) ? kind : 'Any');
    if (env.length) throw unprocessable(k, `release envelope: ${env[0]!.pointer || '/'} ${env[0]!.message}`);
    if (p.aud !== c.nodeId) throw unprocessable(k, 'aud is not this node');
    // check 7: stream current (or seq 1 of a new one) and seq = expected
    if (p.stream !== stream) {
      if (k === 0 && p.seq === 1 && !old.includes(p.stream)) {
        newStream = p.stream;
        stream = p.stream;
        expectedSeq = 1;
        prevHash = '';
        prevIat = 0;
      } else {
        if (old.includes(p.stream)) c.alarm('old-stream', `a release on the retired stream ${p.stream} was refused`);
        throw c.conflict('stream is not current');
      }
    }
    if (p.seq !== expectedSeq) {
      if (k === 0 && p.seq < expectedSeq && p.stream === st.stream) {
        // an identical resend (same payload hash) is a duplicate; a different payload at a held seq
        // means the sender lost what it sent (restored from a backup)
        const held = c.heldHash(p.stream, p.seq);
        if (held !== undefined && held !== r.hash) c.rollback(p.seq);
      }
      throw c.conflict(`seq ${p.seq} is not the expected ${expectedSeq}`);
    }
    // check 8: the chain
    if (p.prev !== prevHash) {
      c.alarm('fork', `release ${p.stream}/${p.seq}: prev does not match the hash of release ${p.seq - 1}`);
      throw unprocessable(k, 'prev does not match the hash of the previous release (fork)');
    }
    // checks 9–10: time
    if (p.iat > c.nowSec + MAX_SKEW_SECONDS) {
      c.alarm('skew', `release ${p.stream}/${p.seq} has iat ${p.iat - c.nowSec} s in the future`);
      throw new AppError('unavailable', 'iat is too far in the future: check clocks', [], { retryAfter: 60 });
    }
    if (p.iat < prevIat) throw unprocessable(k, 'iat goes backwards');
    // check 11: the originator
    const origin = originatorProblem(c.peer, c.nodeId, p);
    if (origin) throw unprocessable(k, origin);
    verified.push({ jws: item, payload: p, text: r.payloadText, hash: r.hash });
    expectedSeq++;
    prevHash = r.hash;
    prevIat = p.iat;
  }
  return { verified, newStream };
}

/** Check 11: the originator of what a release carries is its issuer. */
export function originatorProblem(peer: string, nodeId: string, p: ReleasePayload): string | null {
  if (p.kind === 'record' && isObject(p.record) && p.record.originatorNodeId !== peer) {
    return 'record.originatorNodeId is not the issuer';
  }
  if (p.kind === 'tombstone' && isObject(p.tombstone)) {
    const ref = (p.tombstone as { ref?: { id?: unknown } }).ref;
    if (nodeIdOfUrn(ref?.id) !== peer) return "tombstone.ref.id is not the issuer's";
  }
  if (p.kind === 'statement' && isObject(p.statement)) {
    const agreement = p.statement.agreement;
    if (isObject(agreement) && agreement.partner !== nodeId) return 'statement.agreement.partner is not this node';
  }
  if (p.kind === 'consultation' && isObject(p.consultation) && nodeIdOfUrn(p.consultation.id) !== peer) {
    return "the consultation message's author is not the issuer";
  }
  return null;
}
