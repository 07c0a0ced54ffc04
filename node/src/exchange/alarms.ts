// Operator-visible alarms: stored, audited (in the caller's transaction when there is one), logged.
import type { Logger } from 'pino';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { AlarmRow, ExchangeStore } from '../store/exchange.js';

/** Where the exchange raises an alarm an operator must see. */
export interface AlarmSink {
  alarm(partner: string | null, kind: string, detail: string): void;
}

export class AlarmService implements AlarmSink {
  constructor(
    private readonly store: ExchangeStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  alarm(partner: string | null, kind: string, detail: string): void {
    const write = () => {
      this.store.exchange.insertAlarm(partner, kind, detail, new Date(this.clock.now()).toISOString());
      this.audit.append({ action: 'alarm', actor: 'system', subject: partner ?? '', details: { kind, detail } });
    };
    if (this.store.inTransaction()) write();
    else this.store.tx(write);
    this.log.warn({ alert: true, partner, kind }, `ALARM ${kind}: ${detail}`);
  }

  list(partner?: string, limit = 100): AlarmRow[] {
    return this.store.exchange.alarms(partner, limit);
  }
}
