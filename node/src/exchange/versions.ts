// Version negotiation (docs/protocol.md §14.1): the minor versions this node speaks, what each
// partner said it speaks in its GET /v1/node over the pinned link, and when that was learned. A 1.1
// member or kind goes only to a partner whose last learned versions include 1.1.
import type { Clock } from '../core/clock.js';
import type { ExchangeStore } from '../store/exchange.js';

export const DAY_MS = 24 * 3600 * 1000;

/** Sorted minor versions spoken by a node whose highest minor version is `maxMinor`. */
export function versionsUpTo(maxMinor: number): string[] {
  return Array.from({ length: maxMinor + 1 }, (_, i) => `1.${i}`);
}

/**
 * The versions a partner's GET /v1/node advertises. The body is the partner's: anything but a short
 * list of `1.<n>` strings counts as absent, which means ["1.0"].
 */
export function advertisedVersions(body: unknown): string[] {
  const list = (body as { protocolVersions?: unknown } | null)?.protocolVersions;
  if (!Array.isArray(list) || list.length === 0 || list.length > 32) return ['1.0'];
  const ok = list.filter((v): v is string => typeof v === 'string' && /^1\.[0-9]{1,3}$/.test(v));
  if (ok.length !== list.length) return ['1.0'];
  return [...new Set(ok)].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}

export class ProtocolVersions {
  /** This node's versions, as GET /v1/node lists them. */
  readonly own: string[];

  constructor(
    private readonly store: ExchangeStore,
    private readonly clock: Clock,
    readonly maxMinor: number,
  ) {
    this.own = versionsUpTo(maxMinor);
  }

  /** Whether this node speaks 1.1 at all (false in 1.0 mode). */
  get local11(): boolean {
    return this.maxMinor >= 1;
  }

  /** What the partner said, or null before anything was learned. */
  learned(partner: string): { versions: string[]; learnedAt: string } | null {
    const row = this.store.alerts.protocol(partner);
    if (!row) return null;
    return { versions: JSON.parse(row.versions) as string[], learnedAt: row.learned_at };
  }

  /** The highest version both speak (1.0 until the partner's versions are learned). */
  using(partner: string): string {
    const l = this.learned(partner);
    if (!l) return '1.0';
    const common = l.versions.filter((v) => this.own.includes(v));
    return common.at(-1) ?? '1.0';
  }

  /** Whether 1.1 members and kinds may go to the partner. */
  speaks11(partner: string): boolean {
    return this.local11 && this.using(partner) === '1.1';
  }

  /** Whether the partner's versions are due to be learned again (never learned, or a day old). */
  stale(partner: string): boolean {
    const l = this.learned(partner);
    return !l || this.clock.now() - Date.parse(l.learnedAt) >= DAY_MS;
  }

  /** Stores what the partner advertised; returns whether 1.1 became usable towards it. */
  record(partner: string, body: unknown): { versions: string[]; became11: boolean } {
    const before = this.speaks11(partner);
    const versions = advertisedVersions(body);
    this.store.tx(() => this.store.alerts.setProtocol(partner, versions, new Date(this.clock.now()).toISOString()));
    return { versions, became11: !before && this.speaks11(partner) };
  }
}
