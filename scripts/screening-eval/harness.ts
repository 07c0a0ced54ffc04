// An index of evaluation parties in a temporary database, queried through the node's ScreeningService.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nameEntries } from '../../node/src/screening/terms.js';
import { ScreeningService, type Hit } from '../../node/src/screening/service.js';
import type { NameComparison } from '../../node/src/screening/similarity.js';
import { AuditService } from '../../node/src/core/audit.js';
import { systemClock } from '../../node/src/core/clock.js';
import { Store } from '../../node/src/store/index.js';
import type { EvalParty } from './data.js';

export class EvalIndex {
  readonly store: Store;
  readonly service: ScreeningService;
  private readonly dir: string;
  private readonly rowOf = new Map<string, number>();
  readonly names: number;

  constructor(readonly parties: EvalParty[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'entente-screen-eval-'));
    this.store = Store.open(join(this.dir, 'eval.db'));
    this.service = new ScreeningService(this.store, new AuditService(this.store, systemClock), systemClock);
    let names = 0;
    this.store.tx(() => {
      for (const p of parties) {
        p.names.forEach((name, i) => {
          const id = this.insert(p, name, i === 0 ? 'PRIMARY' : 'ALIAS');
          if (id !== null) {
            this.rowOf.set(`${p.id}\u0000${name}`, id);
            names++;
          }
        });
      }
    });
    this.names = names;
  }

  private insert(p: EvalParty, name: string, type: string): number | null {
    const e = nameEntries(name, {
      source: 'list:eval',
      list_ref: p.id,
      party_role: p.type || null,
      name_type: type,
      countries: p.countries,
      birthDates: p.birthDates,
    });
    return e.length > 0 ? this.store.screening.insertMany(e)[0]! : null;
  }

  /** Screens one name (threshold 0, best ten) with one name of one party taken out of the index meanwhile. */
  screenWithout(p: EvalParty, name: string, query: string, opts: { country?: string } = {}): Hit[] {
    const key = `${p.id}\u0000${name}`;
    const rowId = this.rowOf.get(key);
    if (rowId !== undefined) this.store.screening.remove(rowId);
    try {
      return this.screen(query, opts);
    } finally {
      if (rowId !== undefined) {
        const id = this.insert(p, name, name === p.names[0] ? 'PRIMARY' : 'ALIAS');
        if (id !== null) this.rowOf.set(key, id);
      }
    }
  }

  /** Every candidate's comparison for a query, with one name of one party taken out of the index meanwhile. */
  compareWithout(p: EvalParty | null, name: string, query: string): { party: string; comparison: NameComparison }[] {
    const key = p ? `${p.id}\u0000${name}` : '';
    const rowId = this.rowOf.get(key);
    if (rowId !== undefined) this.store.screening.remove(rowId);
    try {
      return this.service
        .compareCandidates({ name: query })
        .map((c) => ({ party: c.row.list_ref ?? '', comparison: c.comparison }));
    } finally {
      if (p && rowId !== undefined) {
        const id = this.insert(p, name, name === p.names[0] ? 'PRIMARY' : 'ALIAS');
        if (id !== null) this.rowOf.set(key, id);
      }
    }
  }

  screen(query: string, opts: { country?: string } = {}): Hit[] {
    return this.service.screen([{ name: query, ...(opts.country ? { country: opts.country } : {}) }], {
      threshold: 0,
      limit: 10,
    })[0]!.hits;
  }

  close(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The party a hit is on (the list reference is the evaluation party's id). */
export const partyOf = (h: Hit): string => (h.source.kind === 'reference-list' ? h.source.ref : '');
