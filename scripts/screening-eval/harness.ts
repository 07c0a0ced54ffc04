// An index of evaluation parties in a temporary database, queried through the node's ScreeningService.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseName } from '../../node/src/screening/names.js';
import { indexTerms } from '../../node/src/screening/terms.js';
import { ScreeningService, type Hit } from '../../node/src/screening/service.js';
import { AuditService } from '../../node/src/services/audit.js';
import { systemClock } from '../../node/src/services/clock.js';
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
    const n = normaliseName(name);
    if (!n.key) return null;
    const entry = {
      source: 'list:eval', record_id: null, list_ref: p.id, party_index: 0, party_role: p.type || null, name, name_type: type,
      key: n.key, skeleton: n.skeleton, initials: n.initials, countries: JSON.stringify(p.countries), identifiers: '[]',
    };
    return this.store.screening.insert(entry, [], indexTerms(n));
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

  screen(query: string, opts: { country?: string } = {}): Hit[] {
    return this.service.screen([{ name: query, ...(opts.country ? { country: opts.country } : {}) }], { threshold: 0, limit: 10 })[0]!.hits;
  }

  close(): void {
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The party a hit is on (the list reference is the evaluation party's id). */
export const partyOf = (h: Hit): string => (h.source.kind === 'reference-list' ? h.source.ref : '');
