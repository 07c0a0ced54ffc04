// Links to partners (docs/protocol.md §6.7–§6.9): per partner a pinned client, a pusher woken by
// new releases, a puller at an interval, full-jitter backoff and a circuit breaker on 429/503 and
// network errors. Links ask outbound for the next batch and hand it the answer; they hold no stream
// state of their own beyond timers and counters.
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { NodeIdentity } from '../../core/identity.js';
import type { AgreementService } from '../agreements.js';
import type { AlarmSink } from '../alarms.js';
import type { Inbound } from '../inbound/inbound.js';
import type { Outbound } from '../outbound/outbound.js';
import type { PartnerService } from '../partners.js';
import type { ProtocolVersions } from '../versions.js';
import { pullFeed, type PullContext } from '../puller.js';
import { backoffDelay, CircuitBreaker, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { newLink, type Link, type LinkHealth } from './link.js';
import { PeerClient } from './peer-client.js';
import { pushLoop, type PushContext } from './pusher.js';

export type { LinkHealth } from './link.js';

export interface LinkOptions {
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
  /** Longest wait between push attempts while a FLASH release is unacknowledged (default 1 s). */
  flashRetryMs?: number;
}

/** Counts for metrics. */
export interface LinkObserver {
  pushError(partner: string, kind: string): void;
  pullError(partner: string): void;
}

export interface LinkDeps {
  partners: PartnerService;
  agreements: AgreementService;
  outbound: Outbound;
  inbound: Inbound;
  alarms: AlarmSink;
  identity: NodeIdentity;
  clock: Clock;
  log: Logger;
  observer?: LinkObserver;
  /** What each partner speaks (docs/protocol.md §14.1), learned here over the pinned link. */
  versions: ProtocolVersions;
  /** After the partner's versions were learned (pending acknowledgements may now go). */
  learned?: (partner: string) => void;
  options: LinkOptions;
}

export class Links {
  private readonly links = new Map<string, Link>();
  private readonly push: PushContext;
  private tickTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private running = false;

  constructor(private readonly d: LinkDeps) {
    const o = d.options;
    this.push = {
      outbound: d.outbound,
      clock: d.clock,
      closed: () => this.closed,
      pushes: (p) => this.pushes(p),
      client: (l) => this.client(l),
      retryLater: (l) => this.schedulePushRetry(l),
      failed: (l, error) => this.recordError(l, error),
      refused: (l, why) => this.block(l, why),
      requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
      spacingMs: o.pushSpacingMs ?? 60,
      learn: async (l) => {
        const error = await this.learnIfDue(l);
        if (error === null) return true;
        // before a push: a link error like a failed push (backoff and breaker)
        l.breaker.failure();
        l.lastPushError = error;
        this.recordError(l, error);
        return false;
      },
    };
  }

  /**
   * Learns the partner's versions from its GET /v1/node (docs/protocol.md §14.1) before the first
   * push or pull after start, after a link error that ended a backoff, and at least daily. Null
   * when learned (or not due), else the link error.
   */
  private async learnIfDue(l: Link): Promise<string | null> {
    if (!l.relearn && !this.d.versions.stale(l.partner)) return null;
    const client = this.client(l);
    if (!client) return 'no pinned client for the partner';
    try {
      const res = await client.call('GET', '/v1/node', undefined, this.d.options.requestTimeoutMs ?? 30_000);
      if (res.status !== 200) throw new Error(`GET /v1/node answered ${res.status}`);
      let body: unknown = null;
      try {
        body = res.json();
      } catch {
        /* not JSON: counts as a 1.0 answer without protocolVersions */
      }
      this.d.versions.record(l.partner, body);
      l.relearn = false;
      this.d.learned?.(l.partner);
      return null;
    } catch (e) {
      return `network: ${(e as Error).message}`;
    }
  }

  /** Learns the partner's versions now if they are due (for acknowledgements waiting on them). */
  async learn(partner: string): Promise<void> {
    if (this.closed) return;
    await this.learnIfDue(this.link(partner));
  }

  /**
   * A FLASH release was appended for the partner (docs/protocol.md §14.2): a link waiting in backoff
   * retries now, and the pusher sends it in its next batch.
   */
  urge(partner: string): void {
    if (this.closed) return;
    const l = this.link(partner);
    l.urgent = true;
    l.flashPending = true;
    if (l.pushTimer) {
      clearTimeout(l.pushTimer);
      l.pushTimer = null;
      l.relearn = true;
    }
    l.breaker.allowNow();
    l.nextAttemptAt = this.d.clock.now();
    this.wake(partner);
  }

  /** Starts the timers and lets wake() push in the background. */
  start(): void {
    if (this.tickTimer) return;
    this.running = true;
    this.tickTimer = setInterval(() => this.tick(), this.d.options.tickMs);
    this.tickTimer.unref();
    setImmediate(() => this.tick());
  }

  private link(partner: string): Link {
    let l = this.links.get(partner);
    if (!l) {
      const o = this.d.options;
      const breaker = new CircuitBreaker(
        () => this.d.clock.now(),
        o.breakerThreshold ?? 5,
        o.breakerCooldownMs ?? 60_000,
      );
      l = newLink(partner, breaker);
      this.links.set(partner, l);
    }
    return l;
  }

  private client(l: Link): PeerClient | null {
    const trust = this.d.partners.trust().get(l.partner);
    if (!trust) return null;
    if (!l.client || l.trustGeneration !== this.d.partners.trustGeneration) {
      void l.client?.destroy();
      const peer = { nodeId: l.partner, url: trust.url, casPem: trust.casPem, pins: trust.pins };
      l.client = new PeerClient(peer, this.d.identity.tls);
      l.trustGeneration = this.d.partners.trustGeneration;
    }
    return l.client;
  }

  /** A partner's trust changed: reconnect with the new pins, and push what may now be due. */
  trustChanged(partner: string): void {
    const l = this.links.get(partner);
    if (l?.client) {
      void l.client.destroy();
      l.client = null;
    }
    this.wake(partner);
  }

  /** After a TLS key rotation: new outbound connections present the new certificate. */
  identityChanged(): void {
    for (const l of this.links.values()) {
      void l.client?.destroy();
      l.client = null;
    }
  }

  /** Whether this node pushes to the partner (its own agreement says push or both). */
  pushes(partner: string): boolean {
    const delivery = this.d.agreements.current(partner)?.delivery ?? 'both';
    return delivery !== 'pull' && !!this.d.partners.trust().get(partner);
  }

  /** Whether this node pulls the partner's feed (its latest statement says pull or both, or none yet). */
  pulls(partner: string): boolean {
    if (!this.d.partners.trust().get(partner)) return false;
    const delivery = this.d.inbound.theirDelivery(partner);
    if (delivery === undefined) return true;
    return delivery !== null && delivery !== 'push';
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
    l.pushing = pushLoop(l, this.push).finally(() => {
      l.pushing = null;
      if (l.flashPending && this.d.outbound.pushPosition(partner)?.acked) l.flashPending = false;
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
      const pos = this.d.outbound.pushPosition(partner);
      if (!pos || pos.blocked || !this.pushes(partner)) return;
      if (pos.acked && !this.d.outbound.pending(partner)) return;
      if (l.pushTimer) {
        clearTimeout(l.pushTimer);
        l.pushTimer = null;
      }
      l.pushing = pushLoop(l, this.push).finally(() => (l.pushing = null));
      await l.pushing;
      const after = this.d.outbound.pushPosition(partner)!;
      if (l.lastPushError && !after.acked) return;
    }
  }

  private schedulePushRetry(l: Link): void {
    const o = this.d.options;
    const backoff = backoffDelay(l.pushAttempt, o.random ?? Math.random, o.backoff ?? DEFAULT_BACKOFF);
    let delay = Math.max(backoff, l.breaker.waitMs());
    if (l.flashPending) {
      // a FLASH release waits for this partner: at most a second between attempts, through an open
      // breaker, until the partner acknowledges it (docs/protocol.md, interpretation 20)
      delay = Math.min(delay, o.flashRetryMs ?? 1000);
      l.breaker.allowNow();
    }
    l.pushAttempt++;
    l.nextAttemptAt = this.d.clock.now() + delay;
    if (this.closed || !this.running) return;
    l.pushTimer = setTimeout(() => {
      l.pushTimer = null;
      l.relearn = true;
      this.wake(l.partner);
    }, delay);
    l.pushTimer.unref();
  }

  private recordError(l: Link, error: string): void {
    const kind = error.startsWith('network') ? 'network' : error.replace(/[^0-9a-z]+/gi, '-').slice(0, 40);
    this.d.observer?.pushError(l.partner, kind);
    this.d.outbound.pushFailed(l.partner, error);
    const failures = l.breaker.consecutiveFailures;
    if (failures > 0 && failures % 10 === 0) {
      this.d.log.warn({ alert: true, partner: l.partner, failures }, `partner ${l.partner} keeps failing: ${error}`);
    }
  }

  private block(l: Link, why: string): void {
    this.d.observer?.pushError(l.partner, 'refused');
    l.lastPushError = why;
    this.d.outbound.block(l.partner, why);
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
      inbound: this.d.inbound,
      alarms: this.d.alarms,
      requestTimeoutMs: this.d.options.requestTimeoutMs ?? 30_000,
      contacted: () => (l.lastPullAt = new Date(this.d.clock.now()).toISOString()),
      failed: (error, metric) => {
        l.lastPullError = error;
        l.relearn = true;
        l.pullAttempt++;
        if (metric) this.d.observer?.pullError(partner);
      },
      succeeded: () => {
        l.lastPullError = null;
        l.pullAttempt = 0;
      },
    };
    const pulling = async () => {
      const error = await this.learnIfDue(l);
      if (error === null) return pullFeed(puller, done);
      // a pull that could not start: recorded like a failed pull
      puller.failed(error, true);
    };
    l.pulling = pulling().finally(() => (l.pulling = null));
    await l.pulling;
    return done;
  }

  /** Periodic work: materialise what is due (statements, embargoes), wake pushers, pull when due. */
  tick(): void {
    if (this.closed) return;
    const now = () => this.d.clock.now();
    for (const p of this.d.partners.trust().keys()) {
      try {
        if (this.d.outbound.pushPosition(p)) this.d.outbound.materialise(p, undefined, 200);
      } catch (e) {
        this.d.log.error({ err: e, partner: p }, 'materialisation failed');
      }
      this.wake(p);
      const l = this.link(p);
      // a catch-up pull only when the partner has not delivered by push within the interval
      const lastIn = this.d.inbound.lastContact(p);
      const interval = this.d.options.pullIntervalMs;
      const recentlyPushed = !!lastIn && now() - Date.parse(lastIn) < interval;
      if (this.pulls(p) && !recentlyPushed && !l.pulling && now() >= l.nextPullAt) {
        const retry = Math.max(backoffDelay(l.pullAttempt, this.d.options.random ?? Math.random), 1000);
        l.nextPullAt = now() + (l.pullAttempt > 0 ? retry : interval);
        void this.pull(p).catch((e: unknown) => this.d.log.warn({ err: e, partner: p }, 'pull failed'));
      }
    }
  }

  health(partner: string): LinkHealth {
    const l = this.link(partner);
    return {
      pushing: this.pushes(partner),
      breaker: l.breaker.state,
      consecutiveFailures: l.breaker.consecutiveFailures,
      nextAttemptInMs: Math.max(0, l.nextAttemptAt - this.d.clock.now()),
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
    const clients = [...this.links.values()].flatMap((l) => (l.client ? [l.client] : []));
    await Promise.all(clients.map((c) => c.destroy().catch(() => undefined)));
  }
}
