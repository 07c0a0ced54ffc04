// Receiver notifications (docs/protocol.md §14.4): each received alert is POSTed to every webhook URL
// of the config, signed `X-Entente-Signature: sha256=<hex HMAC-SHA256 of the body>`. Deliveries are
// rows written with the alert in the ingest transaction and sent here after it, so a slow or failing
// receiver never holds up ingest; failures are retried with full-jitter backoff (durable across restarts).
import { createHmac } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';

export interface WebhookOptions {
  webhooks: readonly { url: string; secret: string }[];
  /** First retry delay bound (full jitter doubles it per attempt up to capMs). */
  baseMs?: number;
  capMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  random?: () => number;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export class WebhookNotifier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly o: WebhookOptions,
  ) {}

  start(): void {
    if (this.o.webhooks.length === 0 || this.timer) return;
    this.timer = setInterval(() => this.kick(), 1000);
    this.timer.unref();
    this.kick();
  }

  /** Sends what is due now, in the background. */
  kick(): void {
    if (this.closed || this.o.webhooks.length === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((e: unknown) => this.log.warn({ err: e }, 'webhook delivery failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private secretOf(url: string): string | undefined {
    return this.o.webhooks.find((w) => w.url === url)?.secret;
  }

  private async run(): Promise<void> {
    for (const d of this.store.alerts.dueDeliveries(this.clock.now(), 50)) {
      if (this.closed) return;
      const secret = this.secretOf(d.url);
      const at = () => new Date(this.clock.now()).toISOString();
      if (secret === undefined) {
        this.store.tx(() => this.store.alerts.deliveryDone(d.row_id, 'url no longer configured', at()));
        continue;
      }
      let status: string;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-entente-signature': signature(secret, d.body) },
          body: d.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          this.store.tx(() => this.store.alerts.deliveryDone(d.row_id, String(res.status), at()));
          continue;
        }
        status = String(res.status);
      } catch (e) {
        status = `network: ${(e as Error).message}`.slice(0, 200);
      }
      const attempt = d.attempts + 1;
      if (attempt >= (this.o.maxAttempts ?? 30)) {
        this.store.tx(() => this.store.alerts.deliveryDone(d.row_id, `gave up: ${status}`, at()));
        this.log.warn({ alert: true, url: d.url, status }, 'webhook delivery abandoned');
        continue;
      }
      const cap = Math.min(this.o.capMs ?? 300_000, (this.o.baseMs ?? 500) * 2 ** attempt);
      const delay = Math.floor((this.o.random ?? Math.random)() * cap);
      this.store.tx(() => this.store.alerts.deliveryFailed(d.row_id, status, this.clock.now() + delay));
      setTimeout(() => this.kick(), delay + 5).unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
