// The pure parts of the exchange, without nodes: retry policy, circuit breaker, the sender's stream
// state machine (receipts, 409 answers, push answers) and the order of the receiver's checks.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../node/src/domain/errors.js';
import { FileSigner } from '../../node/src/crypto/jws.js';
import { canonicalBytes } from '../../node/src/crypto/canonical.js';
import { sha256 } from '../../node/src/crypto/digest.js';
import { generateSigningKey, publicJwk } from '../../node/src/crypto/keys.js';
import { checkBatch, type CheckContext, type InboundPosition } from '../../node/src/exchange/inbound/checks.js';
import { backoffCeiling, backoffDelay, CircuitBreaker } from '../../node/src/exchange/links/backoff.js';
import {
  ackProblem,
  classifyAnswer,
  expectedPosition,
  judgeReceipt,
  planConflict,
  type Position,
} from '../../node/src/exchange/outbound/position.js';

describe('backoff', () => {
  it.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [9, 256_000],
    [10, 300_000],
    [1000, 300_000],
  ])('attempt %i: the ceiling is %i ms, and the delay is uniform below it', (attempt, ceiling) => {
    expect(backoffCeiling(attempt)).toBe(ceiling);
    expect(backoffDelay(attempt, () => 0)).toBe(0);
    expect(backoffDelay(attempt, () => 0.5)).toBe(Math.floor(ceiling / 2));
    expect(backoffDelay(attempt, () => 0.999999)).toBeLessThan(ceiling);
  });
  it('takes a policy', () => {
    expect(backoffCeiling(3, { baseMs: 10, capMs: 50 })).toBe(50);
    expect(backoffDelay(1, () => 0.5, { baseMs: 10, capMs: 50 })).toBe(10);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one attempt through after the cooldown, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker(() => now, 3, 1000);
    expect(b.state).toBe('closed');
    b.failure();
    b.failure();
    expect([b.state, b.canAttempt(), b.consecutiveFailures]).toEqual(['closed', true, 2]);
    b.failure();
    expect([b.state, b.canAttempt(), b.waitMs()]).toEqual(['open', false, 1000]);
    now = 400;
    expect(b.waitMs()).toBe(600);
    now = 1000;
    expect([b.state, b.canAttempt(), b.waitMs()]).toEqual(['half-open', true, 0]);
    b.success();
    expect([b.state, b.consecutiveFailures]).toEqual(['closed', 0]);
  });
  it('opens again at once when the attempt after the cooldown fails', () => {
    let now = 0;
    const b = new CircuitBreaker(() => now, 2, 500);
    b.failure();
    b.failure();
    now = 500;
    expect(b.state).toBe('half-open');
    b.failure();
    expect([b.state, b.waitMs()]).toEqual(['open', 500]);
  });
});

describe('outbound stream state machine', () => {
  const s: Position = { stream: 'S', head_seq: 10, receipt_upto: 4, push_next: 5 };
  const hashes: Record<number, string> = { 4: 'h4', 7: 'h7', 10: 'h10' };
  const held = (seq: number) => hashes[seq];

  it('a receipt moves the cursor forward, never back', () => {
    expect(judgeReceipt(s, { stream: 'S', upTo: 7, head: 'h7' }, held)).toEqual({
      kind: 'accept',
      receipt_upto: 7,
      push_next: 8,
    });
    expect(judgeReceipt(s, { stream: 'S', upTo: 4, head: 'h4' }, held)).toEqual({
      kind: 'accept',
      receipt_upto: 4,
      push_next: 5,
    });
    const behind = { ...s, receipt_upto: 9, push_next: 10 };
    expect(judgeReceipt(behind, { stream: 'S', upTo: 7, head: 'h7' }, held)).toEqual({
      kind: 'accept',
      receipt_upto: 9,
      push_next: 10,
    });
  });
  it('the initial receipt acknowledges nothing', () => {
    expect(judgeReceipt(s, { stream: '', upTo: 0, head: '' }, held)).toEqual({ kind: 'initial' });
  });
  it('a receipt for another stream, beyond the head, or with another head is refused; the last two are forks', () => {
    expect(judgeReceipt(s, { stream: 'T', upTo: 7, head: 'h7' }, held)).toMatchObject({
      kind: 'refuse',
      reason: 'receipt: not for the current stream',
    });
    expect(judgeReceipt(s, { stream: 'T', upTo: 7, head: 'h7' }, held)).not.toHaveProperty('fork');
    expect(judgeReceipt(s, { stream: 'S', upTo: 11, head: 'x' }, held)).toMatchObject({
      kind: 'refuse',
      fork: expect.stringContaining('beyond'),
    });
    expect(judgeReceipt(s, { stream: 'S', upTo: 7, head: 'other' }, held)).toMatchObject({
      kind: 'refuse',
      reason: 'receipt: head does not match (fork)',
    });
  });
  it('the receipt for a pushed batch must cover it', () => {
    expect(ackProblem('S', { stream: 'S', upTo: 9 }, 9)).toBeNull();
    expect(ackProblem('S', { stream: 'S', upTo: 8 }, 9)).toMatch(/not the batch up to 9/);
    expect(ackProblem('S', { stream: 'T', upTo: 9 }, 9)).toMatch(/T\/9/);
  });
  it.each([
    [200, 'ack'],
    [409, 'conflict'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'refused'],
    [403, 'refused'],
    [413, 'refused'],
    [422, 'refused'],
  ] as const)('an inbox answer %i means %s', (status, answer) => {
    expect(classifyAnswer(status)).toBe(answer);
  });
  it('a 409 needs a usable expected position', () => {
    expect(expectedPosition({ expected: { stream: 'S', seq: 3 } })).toEqual({ stream: 'S', seq: 3 });
    expect(expectedPosition({ expected: { seq: 3 } })).toEqual({ stream: '', seq: 3 });
    expect(expectedPosition({ expected: { stream: 'S', seq: 0 } })).toBeNull();
    expect(expectedPosition({ expected: { stream: 'S', seq: 1.5 } })).toBeNull();
    expect(expectedPosition({})).toBeNull();
    expect(expectedPosition(null)).toBeNull();
  });
  it('409 on another stream: restart from seq 1, alarming only when the partner had acknowledged it', () => {
    expect(planConflict(s, { stream: '', seq: 1 }, 'p')).toEqual({
      action: 'restart',
      update: { push_next: 1 },
      alarm: { kind: 'receiver-restored', detail: expect.any(String) },
    });
    expect(planConflict({ ...s, receipt_upto: 0 }, { stream: '', seq: 1 }, 'p')).toEqual({
      action: 'restart',
      update: { push_next: 1 },
    });
    expect(planConflict(s, { stream: 'OLD', seq: 4 }, 'p')).toEqual({ action: 'restart', update: { push_next: 1 } });
  });
  it('409 beyond the head: the sender is behind (restored), pushing blocks until a re-anchor', () => {
    const plan = planConflict(s, { stream: 'S', seq: 15 }, 'jp-lic-01');
    expect(plan.action).toBe('sender-behind');
    expect(plan.update.blocked).toMatch(/entente stream re-anchor --partner jp-lic-01/);
    expect(plan.alarm?.kind).toBe('sender-behind');
    expect(planConflict(s, { stream: 'S', seq: 11 }, 'p').action).not.toBe('sender-behind');
  });
  it('409 below the receipt cursor: the receiver was restored; identical releases go again from its seq', () => {
    expect(planConflict(s, { stream: 'S', seq: 3 }, 'p')).toMatchObject({
      action: 'receiver-restored',
      update: { push_next: 3 },
    });
  });
  it('409 between the receipt cursor and the head: resume there, counting what it holds as acknowledged', () => {
    expect(planConflict(s, { stream: 'S', seq: 8 }, 'p')).toEqual({
      action: 'resume',
      update: { push_next: 8, receipt_upto: 7 },
    });
    expect(planConflict(s, { stream: 'S', seq: 5 }, 'p')).toEqual({
      action: 'resume',
      update: { push_next: 5, receipt_upto: 4 },
    });
  });
});

describe('inbound check order (docs/protocol.md §6.7 checks 1–11)', () => {
  const key = generateSigningKey(1_700_000_000);
  const signer = new FileSigner(key);
  // another key under the registered kid: the signature itself does not verify
  const other = new FileSigner({ ...generateSigningKey(1_700_000_000), kid: key.kid });
  const now = 1_800_000_000;
  const STREAM = 'AAAAAAAAAAAAAAAAAAAAAA';
  const H2 = sha256('release 2');
  const WRONG = sha256('another release');
  const start: InboundPosition = { stream: '', next_seq: 1, last_hash: '', last_iat: 0, old_streams: '[]' };

  function release(over: Record<string, unknown> = {}, by = signer): { jws: string; hash: string } {
    const payload = {
      iss: 'nl-lic-01',
      aud: 'jp-lic-01',
      stream: STREAM,
      seq: 1,
      prev: '',
      iat: now - 10,
      kind: 'statement',
      agreement: null,
      statement: { agreement: null },
      ...over,
    };
    const bytes = canonicalBytes(payload);
    return { jws: by.sign(bytes, 'entente-release+jws'), hash: sha256(bytes) };
  }

  function context(alarms: string[] = []): CheckContext {
    return {
      peer: 'nl-lic-01',
      nodeId: 'jp-lic-01',
      keys: [publicJwk(key)],
      maxReleaseBytes: 256 * 1024,
      nowSec: now,
      heldHash: () => undefined,
      alarm: (kind) => alarms.push(kind),
      rollback: () => alarms.push('rollback'),
      conflict: (why) => new AppError('stream-conflict', why),
    };
  }

  function outcome(items: string[], st = start, alarms: string[] = []): string {
    try {
      const r = checkBatch(items, st, context(alarms));
      return `ok ${r.verified.length}${r.newStream ? ' new' : ''}`;
    } catch (e) {
      const err = e as AppError;
      return `${err.status} ${err.message}`;
    }
  }

  it('accepts a chain that starts a new stream', () => {
    const first = release();
    const second = release({ seq: 2, prev: first.hash });
    expect(outcome([first.jws, second.jws])).toBe('ok 2 new');
  });
  it('1: an item issued by another node refuses the whole batch (403) before anything else is read', () => {
    const good = release();
    expect(outcome([good.jws, release({ iss: 'de-enf-01', seq: 2 }, other).jws])).toBe('403 ');
    expect(outcome(['not a jws', release({ iss: 'de-enf-01' }).jws])).toBe('403 ');
  });
  it('2–5 before 6: a bad signature is named before a bad envelope', () => {
    expect(outcome([release({ prev: 7 }, other).jws])).toMatch(/^422 item 0: signature/);
    expect(outcome([release({ prev: 7 }).jws])).toMatch(/^422 item 0: release envelope: \/prev/);
  });
  it('6 before 7: the envelope before the audience and the position', () => {
    expect(outcome([release({ aud: 'de-enf-01', seq: 5, prev: 7 }).jws])).toMatch(/release envelope/);
    expect(outcome([release({ aud: 'de-enf-01', seq: 5 }).jws])).toMatch(/^422 item 0: aud is not this node/);
  });
  it('7 before 8: a wrong position answers 409 even when the chain is broken too', () => {
    const st: InboundPosition = { stream: STREAM, next_seq: 3, last_hash: H2, last_iat: now - 100, old_streams: '[]' };
    expect(outcome([release({ seq: 4, prev: WRONG }).jws], st)).toMatch(/^409 seq 4 is not the expected 3/);
    expect(outcome([release({ stream: 'BBBBBBBBBBBBBBBBBBBBBB', seq: 2 }).jws], st)).toMatch(
      /^409 stream is not current/,
    );
  });
  it('8 before 9: a broken chain is a fork (422 and an alarm) before the clock is looked at', () => {
    const st: InboundPosition = { stream: STREAM, next_seq: 3, last_hash: H2, last_iat: now - 100, old_streams: '[]' };
    const alarms: string[] = [];
    expect(outcome([release({ seq: 3, prev: WRONG, iat: now + 3600 }).jws], st, alarms)).toMatch(
      /^422 item 0: prev does not match/,
    );
    expect(alarms).toEqual(['fork']);
  });
  it('9 before 10 and 11: a future iat answers 503 (retry later), a backward one 422, before the originator', () => {
    const st: InboundPosition = { stream: STREAM, next_seq: 3, last_hash: H2, last_iat: now - 100, old_streams: '[]' };
    const wrongOrigin = {
      kind: 'tombstone',
      statement: undefined,
      tombstone: {
        ref: { id: 'urn:entente:de-enf-01:denial:00000000-0000-4000-8000-000000000000', version: 1 },
        reason: 'recalled',
      },
    };
    expect(outcome([release({ seq: 3, prev: H2, iat: now + 3600, ...wrongOrigin }).jws], st)).toMatch(
      /^503 iat is too far/,
    );
    expect(outcome([release({ seq: 3, prev: H2, iat: now - 200, ...wrongOrigin }).jws], st)).toMatch(
      /^422 item 0: iat goes backwards/,
    );
    expect(outcome([release({ seq: 3, prev: H2, ...wrongOrigin }).jws], st)).toMatch(
      /^422 item 0: tombstone.ref.id is not the issuer's/,
    );
  });
  it('a retired stream is refused with an alarm', () => {
    const st: InboundPosition = {
      stream: STREAM,
      next_seq: 3,
      last_hash: H2,
      last_iat: 0,
      old_streams: '["CCCCCCCCCCCCCCCCCCCCCC"]',
    };
    const alarms: string[] = [];
    expect(outcome([release({ stream: 'CCCCCCCCCCCCCCCCCCCCCC' }).jws], st, alarms)).toMatch(
      /^409 stream is not current/,
    );
    expect(alarms).toEqual(['old-stream']);
  });
});
