// The screening index kept: record names indexed from the queue (the index lags ingest, so that
// screening never slows replication), and every name derived again when the normalisation changed.
import { asArray, isObject, type Json } from '../domain/validation.js';
import type { ScreenInsert, ScreeningStore as Store } from '../store/screening.js';
import { NAME_FORMAT } from './names.js';
import { identKey, nameEntries } from './terms.js';

export function identKeys(ids: { scheme?: unknown; value?: unknown }[]): string[] {
  return ids
    .filter((i) => typeof i.scheme === 'string' && typeof i.value === 'string')
    .map((i) => identKey(String(i.scheme), String(i.value)));
}

export class ScreeningIndexer {
  constructor(private readonly store: Store) {}

  /** Indexes queued records (their current versions); returns how many were indexed. */
  indexPending(limit = 2000): number {
    const ids = this.store.screening.queued(limit);
    if (ids.length === 0) return 0;
    this.store.tx(() => {
      const batch: ScreenInsert[] = [];
      for (const id of ids) {
        this.store.screening.deleteRecord(id);
        const v = this.store.records.currentVersion(id);
        if (v) {
          const record = JSON.parse(v.body) as Record<string, Json>;
          asArray(record.parties).forEach((entry, i) => {
            if (!isObject(entry) || !isObject(entry.party)) return;
            const party = entry.party;
            const countries = [
              ...asArray(party.countries),
              ...asArray(party.addresses).map((a) => (isObject(a) ? a.country : undefined)),
              ...asArray(party.nationalities),
            ].filter((c): c is string => typeof c === 'string');
            const idents = identKeys(asArray(party.identifiers).filter(isObject));
            const birthDates = asArray(party.birthDates).filter((d): d is string => typeof d === 'string');
            const role = typeof entry.role === 'string' ? entry.role : null;
            const facts = {
              source: 'record',
              record_id: id,
              party_index: i,
              party_role: role,
              countries: [...new Set(countries)],
              identifiers: idents,
              birthDates,
            };
            for (const n of asArray(party.names)) {
              if (!isObject(n) || typeof n.value !== 'string' || n.type === 'WEAK_ALIAS') continue;
              batch.push(...nameEntries(n.value, { ...facts, name_type: String(n.type) }));
            }
          });
        }
        this.store.screening.dequeue(id);
      }
      this.store.screening.insertMany(batch);
    });
    return ids.length;
  }

  /**
   * Re-derives the index when the name normalisation changed since it was built (meta
   * `screening.format` against NAME_FORMAT; also names imported before migration 7 gave them
   * terms): record names are re-queued, reference-list names normalised again (same list, reference
   * and identifiers; a new row). Restartable: the format is recorded last, and doing it twice is
   * harmless. Returns how many list names it re-derived.
   */
  reindexIfStale(progress: (line: string) => void = () => {}): number {
    if (
      this.store.meta.get('screening.format') === NAME_FORMAT &&
      this.store.meta.get('screening.terms-backfill') === undefined
    )
      return 0;
    return this.reindex(progress);
  }

  private reindex(progress: (line: string) => void): number {
    this.store.tx(() => this.store.screening.requeueRecords());
    const upTo = this.store.screening.maxRowId();
    const derived = new Set<string>();
    let n = 0;
    for (let after = 0; ;) {
      const page = this.store.screening.listRows(after, upTo, 5000);
      if (page.length === 0) break;
      this.store.tx(() => {
        const batch: ScreenInsert[] = [];
        this.store.screening.removeMany(page.map((r) => r.row_id));
        for (const row of page) {
          // a name in another script has a row per rendering: it is derived again once
          // eslint-disable-next-line no-control-regex -- the whole Latin range, from U+0000
          if (/[^\u0000-\u024F\u1E00-\u1EFF]/.test(row.name)) {
            const k = `${row.source}\u0000${row.list_ref}\u0000${row.name}`;
            if (derived.has(k)) continue;
            derived.add(k);
          }
          const e = nameEntries(row.name, {
            source: row.source,
            record_id: row.record_id,
            list_ref: row.list_ref,
            party_index: row.party_index,
            party_role: row.party_role,
            name_type: row.name_type,
            countries: JSON.parse(row.countries) as string[],
            identifiers: JSON.parse(row.identifiers) as string[],
            birthDates: JSON.parse(row.birth_dates) as string[],
            listFrom: row.list_from,
            entryDigest: row.entry_digest,
          });
          batch.push(...e);
        }
        this.store.screening.insertMany(batch);
      });
      n += page.length;
      after = page.at(-1)!.row_id;
      progress(`  screening index: ${n} reference-list names normalised again`);
    }
    this.store.tx(() => {
      this.store.meta.set('screening.format', NAME_FORMAT);
      this.store.meta.delete('screening.terms-backfill');
    });
    return n;
  }

  /**
   * Rebuilds the index from scratch (`entente screen-index-rebuild`): every name normalised again. Returns the
   * record names indexed.
   */
  rebuild(): number {
    this.reindex(() => {});
    let n = 0;
    for (let k = this.indexPending(5000); k > 0; k = this.indexPending(5000)) n += k;
    return n;
  }
}
