// Per-partner limits on the federation listener (docs/protocol.md §3.3, issue 5): a token bucket keyed on
// the authenticated partner (429 + Retry-After), at most N requests in flight per partner, and a
// JSON depth limit. One partner's flood does not starve another: every budget is per partner.
import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors.js';
import { sendProblem } from './problem.js';

export interface LimitOptions {
  ratePerSecond: number;
  burst: number;
  concurrent: number;
  now: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
}

export function partnerLimiter(o: LimitOptions): RequestHandler {
  const buckets = new Map<string, Bucket>();
  return (_req, res, next) => {
    const partner = res.locals.peer as string;
    const now = o.now();
    let b = buckets.get(partner);
    if (!b) {
      b = { tokens: o.burst, at: now, inFlight: 0 };
      buckets.set(partner, b);
    }
    b.tokens = Math.min(o.burst, b.tokens + ((now - b.at) / 1000) * o.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / o.ratePerSecond));
      return sendProblem(
        res,
        new AppError('rate-limited', `more than ${o.ratePerSecond} requests per second`, [], { retryAfter: wait }),
      );
    }
    if (b.inFlight >= o.concurrent) {
      return sendProblem(
        res,
        new AppError('rate-limited', `more than ${o.concurrent} requests in flight`, [], { retryAfter: 1 }),
      );
    }
    b.tokens -= 1;
    b.inFlight++;
    const bucket = b;
    let done = false;
    const release = () => {
      if (!done) {
        done = true;
        bucket.inFlight--;
      }
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}

/** Depth of a parsed JSON value, iteratively (no recursion on hostile input). */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const x of Array.isArray(v) ? v : Object.values(v))
      if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
  }
  return max;
}

export function depthGuard(limit: number): RequestHandler {
  return (req, res, next) => {
    if (req.body !== undefined && jsonDepth(req.body, limit) > limit) {
      return sendProblem(res, new AppError('bad-request', `the JSON body is nested deeper than ${limit}`));
    }
    next();
  };
}
