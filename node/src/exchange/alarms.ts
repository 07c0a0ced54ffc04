// Operator-visible alarms: stored, audited (in the caller's transaction when there is one), logged.
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { AlarmSink } from './outbound/streams.js';

export class AlarmService implements AlarmSink {
  constructor(private readonly store: Store, private readonly audit: AuditService, private readonly clock: Clock, private readonly log: Logger) {}

  alarm(partner: string | null, kind: string, detail: string): void {
    const write = () => {
      this.store.exchange.insertAlarm(partner, kind, detail, new Date(this.clock.now()).toISOString());
      this.audit.append({ action: 'alarm', actor: 'system', subject: partner ?? '', details: { kind, detail } });
    };
    if (this.store.db.inTransaction) write();
    else this.store.tx(write);
    this.log.warn({ alert: true, partner, kind }, `ALARM ${kind}: ${detail}`);
  }

  list(partner?: string, limit = 100) {
    return this.store.exchange.alarms(partner, limit);
  }
}
