// The state a node keeps per partner link: the pinned client, the breaker, the push and pull in
// flight, their timers, and the last outcome of each (for sync-status).
import { type CircuitBreaker, type BreakerState } from './backoff.js';
import type { PeerClient } from './peer-client.js';

export interface Link {
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
  /** The partner's versions must be learned before the next push or pull (docs/protocol.md §14.1). */
  relearn: boolean;
  /** A FLASH release waits: the push loop drops the batch it prepared and sends from the cursor. */
  urgent: boolean;
  /** A FLASH release is not acknowledged yet: failed pushes retry within a second. */
  flashPending: boolean;
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

export function newLink(partner: string, breaker: CircuitBreaker): Link {
  return {
    partner,
    client: null,
    trustGeneration: -1,
    breaker,
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
    relearn: true,
    urgent: false,
    flashPending: false,
  };
}
