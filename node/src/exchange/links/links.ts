// Pushers and pullers per partner (brief §6.7–§6.9): one batch in flight per partner, ≤ 500
// releases and ≤ maxBatchBytes per batch, full-jitter backoff and a circuit breaker on 429/503 and
// network errors, resync on 409, stop and alarm on 403/413/422. The puller (puller.ts) fetches the partner's
// feed at an interval and posts a receipt after each committed page.
import type { Logger } from 'pino';
import { crashPoint } from '../../config/crash.js';
import type { AgreementService } from '../agreements.js';
import type { AlarmService } from '../alarms.js';
import type { Clock } from '../../core/clock.js';
import type { IngestService } from '../inbound/ingest.js';
import type { PartnerService } from '../partners.js';
import type { ReceiptService } from '../outbound/receipts.js';
import type { StreamService } from '../outbound/streams.js';
import type { Store } from '../../store/index.js';
import { backoffDelay, CircuitBreaker, DEFAULT_BACKOFF, type BackoffPolicy, type BreakerState } from './backoff.js';
import { PeerClient, type ClientIdentity } from './peer-client.js';
import { pullFeed, type PullContext } from '../puller.js';

export interface SyncOptions {
  maxBatchBytes: number;
  pullIntervalMs: number;
  tickMs: number;
  backoff?: BackoffPolicy;
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  random?: () => number;
  /** Start timers (false in tests that drive sync by hand). */
  autoStart?: boolean;
  requestTimeoutMs?: number;
  /** Least time between two push requests to one partner (default 60 ms). Publications that arrive
   * closer together travel in one batch instead of spending the partner's request budget (its
   * per-partner limit answers 429, and a 429 costs a backoff). */
  pushSpacingMs?: number;
}

export interface LinkHealth {
  pushing: boolean;
  breaker: BreakerState;
  consecutiveFailures: number;
  nextAttemptInMs: number;
  lastPushError: string | null;
  lastPullError: string | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
}

interface Link {
  partner: string;
  client: PeerClient | null;
  trustGeneration: number;
  breaker: CircuitBreaker;
  pushAttempt: number;
  pullAttempt: number;
  pushing: Promise<void> | null;
  pulling: Promise<void> | null;
  pushTimer: NodeJS.Timeout | null;
  rewake: boolean;
  nextPullAt: number;
  lastPushError: string | null;
  lastPullError: string | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
  nextAttemptAt: number;
  /** performance.now() of the last push request sent. */
  lastRequestAt: number;
}

const PUSH_ITEMS = 500;

export interface SyncObserver {
  pushError(partner: string, kind: string): void;
  pullError(partner: string): void;
}

export class SyncManager {
  observer: SyncObserver | null = null;
  private readonly links = new Map<string, Link>();
  private tickTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly partners: PartnerService,
    private readonly agreements: AgreementService,
    private readonly streams: StreamService,
    private readonly ingest: IngestService,
    private readonly receipts: ReceiptService,
    private readonly alarms: AlarmService,
    private readonly clock: Clock,
    private identity: ClientIdentity,
    private readonly log: Logger,
    private readonly o: SyncOptions,
  ) {
    streams.onAppended((p) => this.wake(p));
    partners.onChange((p) => this.trustChanged(p));
  }

  /** Starts the timers and lets wake() push in the background. */
  start(): void {
    if (this.tickTimer) return;
    this.running = true;
    this.tickTimer = setInterval(() => this.tick(), this.o.tickMs);
    this.tickTimer.unref();
    setImmediate(() => this.tick());
  }

  private link(partner: string): Link {
    let l = this.links.get(partner);
    if (!l) {
      l = {
        partner,
        client: null,
        trustGeneration: -1,
        breaker: new CircuitBreaker(() => this.clock.now(), this.o.breakerThreshold ?? 5, this.o.breakerCooldownMs ?? 60_000),
        pushAttempt: 0,
        pullAttempt: 0,
        pushing: null,
        pulling: null,
        pushTimer: null,
        rewake: false,
        nextPullAt: 0,
        lastPushError: null,
        lastPullError: null,
        lastPushAt: null,
        lastPullAt: null,
        nextAttemptAt: 0,
        lastRequestAt: -Infinity,
      };
      this.links.set(partner, l);
    }
    return l;
  }

  private client(l: Link): PeerClient | null {
    const trust = this.partners.trust().get(l.partner);
    if (!trust) return null;
    if (!l.client || l.trustGeneration !== this.partners.trustGeneration) {
      void l.client?.destroy();
      l.client = new PeerClient({ nodeId: l.partner, url: trust.url, casPem: trust.casPem, pins: trust.pins }, this.identity);
      l.trustGeneration = this.partners.trustGeneration;
    }
    return l.client;
  }

  private trustChanged(partner: string): void {
    const l = this.links.get(partner);
    if (l?.client) {
      void l.client.destroy();
      l.client = null;
    }
    this.wake(partner);
  }

  /** After a TLS key rotation: new outbound connections present the new certificate. */
  setIdentity(identity: ClientIdentity): void {
    this.identity = identity;
    for (const l of this.links.values()) {
      void l.client?.destroy();
      l.client = null;
    }
  }

  /** Whether this node pushes to the partner (its own agreement says push or both). */
  pushes(partner: string): boolean {
    const a = this.agreements.current(partner);
    const delivery = a?.delivery ?? 'both';
    return delivery !== 'pull' && !!this.partners.trust().get(partner);
  }

  /** Whether this node pulls the partner's feed (its latest statement says pull or both, or none yet). */
  pulls(partner: string): boolean {
    if (!this.partners.trust().get(partner)) return false;
    const st = this.store.exchange.latestStatementIn(partner);
    if (!st) return true;
    if (st.agreement === null) return false;
    const delivery = (JSON.parse(st.agreement) as { delivery?: string }).delivery ?? 'both';
    return delivery !== 'push';
  }

  wake(partner: string): void {
    if (this.closed) return;
    const l = this.link(partner);
    if (l.pushing) {
      l.rewake = true;
      return;
    }
    if (l.pushTimer) return;
    if (!this.running) return;
    l.pushing = this.pushLoop(l).finally(() => {
      l.pushing = null;
      if (l.rewake && !this.closed) {
        l.rewake = false;
        this.wake(partner);
      }
    });
  }

  /** Pushes until the partner has acknowledged everything (or pushing stops). For tests and the demo. */
  async flush(partner: string): Promise<void> {
    const l = this.link(partner);
    for (let i = 0; i < 10_000; i++) {
      if (l.pushing) await l.pushing;
      const s = this.store.exchange.outStream(partner);
      if (!s || s.blocked || !this.pushes(partner)) return;
      if (s.receipt_upto >= s.head_seq && !this.streams.pending(partner)) return;
      if (l.pushTimer) {
        clearTimeout(l.pushTimer);
        l.pushTimer = null;
      }
      l.pushing = this.pushLoop(l).finally(() => (l.pushing = null));
      await l.pushing;
      const after = this.store.exchange.outStream(partner)!;
      if (l.lastPushError && after.receipt_upto < after.head_seq) return;
    }
  }

  private schedulePushRetry(l: Link): void {
    const delay = Math.max(backoffDelay(l.pushAttempt, this.o.random ?? Math.random, this.o.backoff ?? DEFAULT_BACKOFF), l.breaker.waitMs());
    l.pushAttempt++;
    l.nextAttemptAt = this.clock.now() + delay;
    if (this.closed || !this.running) return;
    l.pushTimer = setTimeout(() => {
      l.pushTimer = null;
      this.wake(l.partner);
    }, delay);
    l.pushTimer.unref();
  }

  private async pushLoop(l: Link): Promise<void> {
    // The receipt of batch k is verified at once but stored (an fsync) while batch k+1 is in
    // flight, and batch k+1's body is prepared while batch k is in flight: one batch in flight, no
    // dead time between batches.
    let pendingReceipt: string | null = null;
    let nextPush = 0;
    let prepared: { from: number; last: number; body: string } | null = null;
    const settle = (): boolean => {
      if (!pendingReceipt) return true;
      const receipt = pendingReceipt;
      pendingReceipt = null;
      try {
        this.receipts.accept(l.partner, receipt, 'push');
        return true;
      } catch (e) {
        this.block(l, `the partner's receipt was refused: ${(e as Error).message}`);
        return false;
      }
    };
    const build = (from: number) => {
      const page = this.streams.page(l.partner, from - 1, PUSH_ITEMS, this.o.maxBatchBytes - 64);
      if (page.items.length === 0) return null;
      return { from, last: page.items.at(-1)!.seq, body: JSON.stringify({ items: page.items.map((r) => r.jws) }) };
    };
    try {
      for (;;) {
        if (this.closed) return;
        // at least pushSpacingMs between two requests: what is published meanwhile travels in the
        // next batch instead of spending the partner's request budget
        const wait = (this.o.pushSpacingMs ?? 60) - (performance.now() - l.lastRequestAt);
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, wait));
          prepared = null;
          if (this.closed) return;
        }
        const s = this.store.exchange.outStream(l.partner);
        if (!s || s.blocked || !this.pushes(l.partner)) return;
        if (!l.breaker.canAttempt()) return this.schedulePushRetry(l);
        const from = Math.max(s.push_next, nextPush);
        const batch = prepared?.from === from ? prepared : build(from);
        prepared = null;
        if (!batch) return;
        const client = this.client(l);
        if (!client) return;
        let res;
        try {
          l.lastRequestAt = performance.now();
          const inFlight = client.call('POST', '/v1/inbox', batch.body, this.o.requestTimeoutMs ?? 30_000);
          let answered = false;
          void inFlight.then(
            () => (answered = true),
            () => (answered = true),
          );
          await new Promise((r) => setImmediate(r));
          crashPoint('push.mid');
          if (!settle()) return;
          // materialise the next batch in slices that yield to I/O, then prepare its body
          const target = batch.last + PUSH_ITEMS;
          for (let slice = 0; slice < 20 && !answered; slice++) {
            const cur = this.store.exchange.outStream(l.partner)!;
            if (cur.head_seq >= target || !this.streams.pending(l.partner)) break;
            this.streams.materialise(l.partner, Math.min(target, cur.head_seq + 100));
            await new Promise((r) => setImmediate(r));
          }
          if (!answered) prepared = build(batch.last + 1);
          res = await inFlight;
        } catch (e) {
          l.breaker.failure();
          l.lastPushError = `network: ${(e as Error).message}`;
          this.recordError(l.partner, l.lastPushError);
          return this.schedulePushRetry(l);
        }
        l.lastPushAt = new Date(this.clock.now()).toISOString();
        if (res.status === 200) {
          try {
            const receipt = res.json<{ receipt: string }>().receipt;
            const p = this.receipts.verify(l.partner, receipt);
            const cur = this.store.exchange.outStream(l.partner)!;
            if (p.stream !== cur.stream || p.upTo < batch.last) throw new Error(`the receipt acknowledges ${p.stream}/${p.upTo}, not the batch up to ${batch.last}`);
            pendingReceipt = receipt;
            nextPush = p.upTo + 1;
          } catch (e) {
            this.block(l, `the partner's receipt was refused: ${(e as Error).message}`);
            return;
          }
          if (l.lastPushError || l.pushAttempt) {
            l.breaker.success();
            l.pushAttempt = 0;
            l.lastPushError = null;
          } else l.breaker.success();
          continue;
        }
        if (!settle()) return;
        nextPush = 0;
        prepared = null;
        if (res.status === 409) {
          let body: unknown;
          try {
            body = res.json();
          } catch {
            body = {};
          }
          try {
            const action = this.receipts.onConflict(l.partner, body);
            l.breaker.success();
            if (action === 'sender-behind') return;
          } catch (e) {
            this.block(l, `409 without a usable position: ${(e as Error).message}`);
            return;
          }
          continue;
        }
        if (res.status === 429 || res.status === 503 || res.status >= 500) {
          l.breaker.failure();
          l.lastPushError = `${res.status}`;
          this.recordError(l.partner, `push answered ${res.status}`);
          return this.schedulePushRetry(l);
        }
        let detail = '';
        try {
          detail = String(res.json<{ detail?: string }>().detail ?? '');
        } catch {
          /* no body */
        }
        this.block(l, `push refused with ${res.status}${detail ? `: ${detail}` : ''}`);
        return;
      }
    } finally {
      settle();
      if (!l.lastPushError) {
        const at = l.lastPushAt;
        if (at) this.store.tx(() => this.store.exchange.updateOutStream(l.partner, { last_push_at: at, last_error: null }));
      }
    }
  }

  private recordError(partner: string, error: string): void {
    this.observer?.pushError(partner, error.startsWith('network') ? 'network' : error.replace(/[^0-9a-z]+/gi, '-').slice(0, 40));
    this.store.tx(() => this.store.exchange.updateOutStream(partner, { last_error: error.slice(0, 300) }));
    const l = this.link(partner);
    if (l.breaker.consecutiveFailures > 0 && l.breaker.consecutiveFailures % 10 === 0) {
      this.log.warn({ alert: true, partner, failures: l.breaker.consecutiveFailures }, `partner ${partner} keeps failing: ${error}`);
    }
  }

  private block(l: Link, why: string): void {
    this.observer?.pushError(l.partner, 'refused');
    l.lastPushError = why;
    this.store.tx(() => this.store.exchange.updateOutStream(l.partner, { blocked: why.slice(0, 500), last_error: why.slice(0, 300) }));
    this.alarms.alarm(l.partner, 'push-stopped', `${why}; pushing stopped until the operator resets the stream or the partner is fixed`);
  }

  /** Pulls the partner's feed until it has no more (one page per transaction, a receipt after each). */
  async pull(partner: string): Promise<{ pages: number; items: number }> {
    const l = this.link(partner);
    if (l.pulling) await l.pulling;
    const done = { pages: 0, items: 0 };
    const puller: PullContext = {
      partner,
      client: () => this.client(l),
      closed: () => this.closed,
      store: this.store,
      ingest: this.ingest,
      alarms: this.alarms,
      requestTimeoutMs: this.o.requestTimeoutMs ?? 30_000,
      contacted: () => (l.lastPullAt = new Date(this.clock.now()).toISOString()),
      failed: (error, metric) => {
        l.lastPullError = error;
        l.pullAttempt++;
        if (metric) this.observer?.pullError(partner);
      },
      succeeded: () => {
        l.lastPullError = null;
        l.pullAttempt = 0;
      },
    };
    l.pulling = pullFeed(puller, done).finally(() => (l.pulling = null));
    await l.pulling;
    return done;
  }

  /** Periodic work: materialise what is due (statements, embargoes), wake pushers, pull when due. */
  tick(): void {
    if (this.closed) return;
    for (const p of this.partners.trust().keys()) {
      try {
        if (this.streams.pending(p) || this.store.exchange.outStream(p)) this.streams.materialise(p, undefined, 200);
      } catch (e) {
        this.log.error({ err: e, partner: p }, 'materialisation failed');
      }
      this.wake(p);
      const l = this.link(p);
      // a catch-up pull only when the partner has not delivered by push within the interval
      const lastIn = this.store.exchange.inStream(p)?.last_contact_at;
      const recentlyPushed = !!lastIn && this.clock.now() - Date.parse(lastIn) < this.o.pullIntervalMs;
      if (this.pulls(p) && !recentlyPushed && !l.pulling && this.clock.now() >= l.nextPullAt) {
        const base = this.o.pullIntervalMs;
        l.nextPullAt = this.clock.now() + (l.pullAttempt > 0 ? Math.max(backoffDelay(l.pullAttempt, this.o.random ?? Math.random), 1000) : base);
        void this.pull(p).catch((e: unknown) => this.log.warn({ err: e, partner: p }, 'pull failed'));
      }
    }
  }

  health(partner: string): LinkHealth {
    const l = this.link(partner);
    return {
      pushing: this.pushes(partner),
      breaker: l.breaker.state,
      consecutiveFailures: l.breaker.consecutiveFailures,
      nextAttemptInMs: Math.max(0, l.nextAttemptAt - this.clock.now()),
      lastPushError: l.lastPushError,
      lastPullError: l.lastPullError,
      lastPushAt: l.lastPushAt,
      lastPullAt: l.lastPullAt,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    const waits: Promise<void>[] = [];
    for (const l of this.links.values()) {
      if (l.pushTimer) clearTimeout(l.pushTimer);
      if (l.pushing) waits.push(l.pushing.catch(() => undefined));
      if (l.pulling) waits.push(l.pulling.catch(() => undefined));
    }
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 2000))]);
    await Promise.all([...this.links.values()].map((l) => l.client?.destroy().catch(() => undefined)));
  }
}
