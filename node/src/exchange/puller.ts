// The puller (docs/protocol.md §6.9): reads a partner's feed after what was received, one page per ingest
// transaction, and posts the receipt after each committed page; follows a reset stream from its
// start; notices a feed head below what was received (the partner restored from a backup).
import { AppError } from '../domain/errors.js';
import type { AlarmSink } from './alarms.js';
import type { Inbound } from './inbound/inbound.js';
import type { FeedPage } from './wire.js';
import type { PeerClient } from './links/peer-client.js';

export interface PullContext {
  partner: string;
  /** The pinned client for the partner, or null when it cannot be reached now. */
  client(): PeerClient | null;
  closed(): boolean;
  inbound: Inbound;
  alarms: AlarmSink;
  requestTimeoutMs: number;
  /** The partner answered. */
  contacted(): void;
  /** A page could not be read or ingested; `metric` when it counts as a pull error. */
  failed(error: string, metric: boolean): void;
  succeeded(): void;
}

/** Pulls until the feed has no more; counts pages and items into `done`. */
export async function pullFeed(c: PullContext, done: { pages: number; items: number }): Promise<void> {
  for (let guard = 0; guard < 100_000; guard++) {
    if (c.closed()) return;
    const client = c.client();
    if (!client) return;
    const st = c.inbound.position(c.partner);
    const after = st.next_seq - 1;
    let res;
    try {
      res = await client.call('GET', `/v1/feed?after=${after}&limit=1000`, undefined, c.requestTimeoutMs);
    } catch (e) {
      return c.failed(`network: ${(e as Error).message}`, true);
    }
    c.contacted();
    if (res.status !== 200) return c.failed(`feed answered ${res.status}`, true);
    const page = res.json<FeedPage>();
    if (page.stream !== st.stream && st.stream !== '' && after > 0) {
      // the partner reset its stream: read the new one from its start (seq 1, docs/protocol.md §6.9),
      // never from the old stream's position, which the new stream may already have passed
      let fromStart;
      try {
        fromStart = await client.call('GET', '/v1/feed?after=0&limit=1000', undefined, c.requestTimeoutMs);
      } catch (e) {
        return c.failed(`network: ${(e as Error).message}`, true);
      }
      if (fromStart.status !== 200) return c.failed(`feed answered ${fromStart.status}`, true);
      const first = fromStart.json<FeedPage>().items;
      if (first.length === 0) return c.succeeded();
      try {
        const r = await c.inbound.ingestBatch(c.partner, first, 'pull');
        done.pages++;
        done.items += first.length;
        await postReceipt(client, r.receipt);
      } catch (e) {
        return c.failed(e instanceof AppError ? `${e.status} ${e.message}` : String(e), false);
      }
      continue;
    }
    if (page.items.length === 0) {
      if (page.head.seq < after && page.stream === st.stream) {
        c.alarms.alarm(
          c.partner,
          'sender-rollback',
          `the partner's feed head ${page.head.seq} is below what was received (${after}): it may have been restored from a backup`,
        );
      }
      return c.succeeded();
    }
    try {
      const r = await c.inbound.ingestBatch(c.partner, page.items, 'pull');
      done.pages++;
      done.items += page.items.length;
      await postReceipt(client, r.receipt);
    } catch (e) {
      return c.failed(e instanceof AppError ? `${e.status} ${e.message}` : String(e), false);
    }
    c.succeeded();
    if (!page.more) return;
  }
}

async function postReceipt(client: PeerClient, receipt: string): Promise<void> {
  try {
    await client.call('POST', '/v1/receipts', { receipt });
  } catch {
    /* the next pull posts a newer receipt */
  }
}
