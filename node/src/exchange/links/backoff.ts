// Pure retry policy: full-jitter exponential backoff (AWS architecture blog), and a circuit breaker.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 5 * 60_000 };

/** Delay before retry `attempt` (0-based): uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(p.capMs, p.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export function backoffCeiling(attempt: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(p.capMs, p.baseMs * 2 ** Math.min(attempt, 30));
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Opens after `threshold` consecutive failures; after `cooldownMs` lets one attempt through. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private st: BreakerState = 'closed';
  constructor(
    private readonly now: () => number,
    readonly threshold = 5,
    readonly cooldownMs = 60_000,
  ) {}
  get state(): BreakerState {
    if (this.st === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.st = 'half-open';
    return this.st;
  }
  get consecutiveFailures(): number {
    return this.failures;
  }
  canAttempt(): boolean {
    return this.state !== 'open';
  }
  success(): void {
    this.failures = 0;
    this.st = 'closed';
  }
  failure(): void {
    this.failures++;
    if (this.st === 'half-open' || this.failures >= this.threshold) {
      this.st = 'open';
      this.openedAt = this.now();
    }
  }
  /** A FLASH alert is waiting: let one attempt through now (half-open), whatever the cooldown. */
  allowNow(): void {
    if (this.state === 'open') this.st = 'half-open';
  }
  /** ms until an attempt is allowed again (0 when allowed). */
  waitMs(): number {
    return this.state === 'open' ? Math.max(0, this.cooldownMs - (this.now() - this.openedAt)) : 0;
  }
}
