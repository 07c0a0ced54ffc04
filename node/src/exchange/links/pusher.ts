// The push loop of one link (docs/protocol.md §6.7–§6.8): one batch in flight, the next one prepared
// while it travels, the receipt of batch k verified at once and stored (an fsync) while batch k+1 is
// in flight. Transport and pipelining live here; what an answer means for the stream is outbound's.
import { crashPoint } from '../../config/crash.js';
import type { Clock } from '../../core/clock.js';
import type { Batch, Outbound } from '../outbound/outbound.js';
import { classifyAnswer } from '../outbound/position.js';
import type { Link } from './link.js';
import type { PeerClient } from './peer-client.js';

export interface PushContext {
  outbound: Outbound;
  clock: Clock;
  closed(): boolean;
  /** Whether this node pushes to the partner now (agreement and trust). */
  pushes(partner: string): boolean;
  client(l: Link): PeerClient | null;
  /** Backs off and wakes the link again later. */
  retryLater(l: Link): void;
  /** A failed attempt (network or an answer to retry): counted, recorded, logged. */
  failed(l: Link, error: string): void;
  /** A refusal: pushing stops until the operator acts. */
  refused(l: Link, why: string): void;
  requestTimeoutMs: number;
  /** Least time between two push requests to one partner. */
  spacingMs: number;
  /** Learns the partner's protocol versions when due (docs/protocol.md §14.1); false: not reachable. */
  learn(l: Link): Promise<boolean>;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Pushes until the partner has everything, pushing stops, or a retry is scheduled. */
export async function pushLoop(l: Link, c: PushContext): Promise<void> {
  const out = c.outbound;
  let pendingReceipt: string | null = null;
  let nextPush = 0;
  let prepared: Batch | null = null;
  const settle = (): boolean => {
    if (!pendingReceipt) return true;
    const receipt = pendingReceipt;
    pendingReceipt = null;
    try {
      out.acceptReceipt(l.partner, receipt, 'push');
      return true;
    } catch (e) {
      c.refused(l, `the partner's receipt was refused: ${(e as Error).message}`);
      return false;
    }
  };
  try {
    for (;;) {
      if (c.closed()) return;
      if (!(await c.learn(l))) return c.retryLater(l);
      // a FLASH release was appended: the batch prepared before it is made again so that it carries
      // the release, and the spacing between requests is not waited out
      const urgent = l.urgent;
      l.urgent = false;
      if (urgent) prepared = null;
      // at least spacingMs between two requests: what is published meanwhile travels in the next
      // batch instead of spending the partner's request budget (a 429 costs a backoff)
      const wait = c.spacingMs - (performance.now() - l.lastRequestAt);
      if (wait > 0 && !urgent) {
        await new Promise((r) => setTimeout(r, wait));
        prepared = null;
        if (c.closed()) return;
      }
      const pos = out.pushPosition(l.partner);
      if (!pos || pos.blocked || !c.pushes(l.partner)) return;
      if (!l.breaker.canAttempt()) return c.retryLater(l);
      const from = Math.max(pos.next, nextPush);
      const batch = prepared?.from === from ? prepared : out.nextBatch(l.partner, from);
      prepared = null;
      if (!batch) return;
      const client = c.client(l);
      if (!client) return;
      let res;
      try {
        l.lastRequestAt = performance.now();
        const inFlight = client.call('POST', '/v1/inbox', batch.body, c.requestTimeoutMs);
        let answered = false;
        void inFlight.then(
          () => (answered = true),
          () => (answered = true),
        );
        await tick();
        crashPoint('push.mid');
        if (!settle()) return;
        // materialise the next batch in slices that yield to I/O, then prepare its body
        for (let slice = 0; slice < 20 && !answered; slice++) {
          if (!out.materialiseAhead(l.partner, batch.last)) break;
          await tick();
        }
        if (!answered) prepared = out.nextBatch(l.partner, batch.last + 1);
        res = await inFlight;
      } catch (e) {
        l.breaker.failure();
        l.lastPushError = `network: ${(e as Error).message}`;
        c.failed(l, l.lastPushError);
        return c.retryLater(l);
      }
      l.lastPushAt = new Date(c.clock.now()).toISOString();
      const answer = classifyAnswer(res.status);
      if (answer === 'ack') {
        try {
          const receipt = res.json<{ receipt: string }>().receipt;
          const p = out.checkAck(l.partner, receipt, batch.last);
          pendingReceipt = receipt;
          nextPush = p.upTo + 1;
        } catch (e) {
          c.refused(l, `the partner's receipt was refused: ${(e as Error).message}`);
          return;
        }
        l.breaker.success();
        l.pushAttempt = 0;
        l.lastPushError = null;
        continue;
      }
      if (!settle()) return;
      nextPush = 0;
      prepared = null;
      if (answer === 'conflict') {
        let body: unknown;
        try {
          body = res.json();
        } catch {
          body = {};
        }
        try {
          const action = out.conflict(l.partner, body);
          l.breaker.success();
          if (action === 'sender-behind') return;
        } catch (e) {
          c.refused(l, `409 without a usable position: ${(e as Error).message}`);
          return;
        }
        continue;
      }
      if (answer === 'retry') {
        l.breaker.failure();
        l.lastPushError = `${res.status}`;
        c.failed(l, `push answered ${res.status}`);
        return c.retryLater(l);
      }
      let detail = '';
      try {
        detail = String(res.json<{ detail?: string }>().detail ?? '');
      } catch {
        /* no body */
      }
      c.refused(l, `push refused with ${res.status}${detail ? `: ${detail}` : ''}`);
      return;
    }
  } finally {
    settle();
    if (!l.lastPushError && l.lastPushAt) out.pushed(l.partner, l.lastPushAt);
  }
}
