// Prometheus metrics (prom-client) for GET /metrics. One registry per node, so several nodes can
// share a process in tests. Gauges are computed at scrape time; counters are fed by hooks.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';

export class Metrics {
  readonly registry = new Registry();
  readonly ingest: Counter<'partner' | 'outcome'>;
  readonly pushErrors: Counter<'partner' | 'kind'>;
  readonly pullErrors: Counter<'partner'>;
  readonly screening: Histogram;
  readonly requests: Counter<'listener' | 'status'>;
  private readonly skew = new Map<string, number>();

  constructor(store: Store, audit: AuditService, clock: Clock) {
    const r = this.registry;
    // process and Node.js metrics (CPU, memory, event loop lag, GC, handles), as every exporter has
    collectDefaultMetrics({ register: r });
    this.ingest = new Counter({
      name: 'entente_ingest_items_total',
      help: 'Releases received, by outcome (accepted, duplicate, quarantined, refused)',
      labelNames: ['partner', 'outcome'],
      registers: [r],
    });
    this.pushErrors = new Counter({
      name: 'entente_push_errors_total',
      help: 'Failed pushes, by kind (network, http status, refused)',
      labelNames: ['partner', 'kind'],
      registers: [r],
    });
    this.pullErrors = new Counter({
      name: 'entente_pull_errors_total',
      help: 'Failed pulls of a partner feed',
      labelNames: ['partner'],
      registers: [r],
    });
    this.screening = new Histogram({
      name: 'entente_screening_seconds',
      help: 'Screening latency per request',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [r],
    });
    this.requests = new Counter({
      name: 'entente_http_requests_total',
      help: 'HTTP requests answered, by listener and status',
      labelNames: ['listener', 'status'],
      registers: [r],
    });
    const perPartner = (name: string, help: string, value: (partner: string) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['partner'],
        registers: [r],
        collect() {
          this.reset();
          for (const s of store.exchange.outStreams()) {
            const v = value(s.partner);
            if (v !== null) this.set({ partner: s.partner }, v);
          }
        },
      });
    perPartner(
      'entente_partner_queue_depth',
      'Releases not yet acknowledged plus own versions not yet materialised for the partner',
      (p) => {
        const s = store.exchange.outStream(p)!;
        return s.head_seq - s.receipt_upto + Math.max(0, store.exchange.lastPubSeq() - s.mat_cursor);
      },
    );
    perPartner('entente_partner_unacknowledged', 'Materialised releases the partner has not acknowledged', (p) => {
      const s = store.exchange.outStream(p)!;
      return s.head_seq - s.receipt_upto;
    });
    perPartner('entente_partner_last_receipt_age_seconds', 'Seconds since the last receipt from the partner', (p) => {
      const last = store.exchange.lastReceipt(p);
      return last ? (clock.now() - Date.parse(last.received_at)) / 1000 : null;
    });
    const skew = this.skew;
    new Gauge({
      name: 'entente_partner_clock_skew_seconds',
      help: "Our clock minus the iat of the partner's latest release, at ingest",
      labelNames: ['partner'],
      registers: [r],
      collect() {
        this.reset();
        for (const [p, v] of skew) this.set({ partner: p }, v);
      },
    });
    new Gauge({
      name: 'entente_audit_checkpoint_age_seconds',
      help: 'Seconds since the latest signed audit checkpoint',
      registers: [r],
      collect() {
        const c = audit.latestCheckpoint();
        this.set(c ? clock.now() / 1000 - c.iat : -1);
      },
    });
    new Gauge({
      name: 'entente_screening_queue',
      help: 'Records whose current version is not yet in the screening index (index lag)',
      registers: [r],
      collect() {
        this.set(store.screening.queueLength());
      },
    });
    new Gauge({
      name: 'entente_audit_entries',
      help: 'Entries in the audit log',
      registers: [r],
      collect() {
        this.set(store.audit.head().seq);
      },
    });
  }

  /** Unacknowledged alerts by level (docs/protocol.md §14.4), counted at scrape time. */
  alertGauge(count: () => { PRIORITY: number; FLASH: number }): void {
    new Gauge({
      name: 'entente_alerts_unacknowledged',
      help: 'Alerts received from partners, neither acknowledged, ended by a later version nor expired, by level',
      labelNames: ['level'],
      registers: [this.registry],
      collect() {
        const c = count();
        this.set({ level: 'FLASH' }, c.FLASH);
        this.set({ level: 'PRIORITY' }, c.PRIORITY);
      },
    });
  }

  observeSkew(partner: string, seconds: number): void {
    this.skew.set(partner, seconds);
  }

  skews(): Record<string, number> {
    return Object.fromEntries(this.skew);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
