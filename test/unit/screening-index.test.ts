// The screening index's retrieval terms: kept with every insert and delete (document frequencies
// included), and given to names indexed before they existed (migration 7 on a version-6 database).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NAME_FORMAT, normaliseName } from '../../node/src/screening/names.js';
import { indexTerms } from '../../node/src/screening/terms.js';
import { AuditService } from '../../node/src/core/audit.js';
import { fixedClock } from '../../node/src/core/clock.js';
import { ScreeningService } from '../../node/src/screening/service.js';
import { Store } from '../../node/src/store/index.js';
import { MIGRATIONS } from '../../node/src/store/migrations.js';
import { tempDir } from '../helpers/nodes.js';

let store: Store | undefined;
afterEach(() => store?.close());
const clock = fixedClock(Date.now());

function entry(name: string, ref: string) {
  const n = normaliseName(name);
  return {
    source: 'list:test',
    record_id: null,
    list_ref: ref,
    party_index: 0,
    party_role: null,
    name,
    name_type: 'PRIMARY',
    key: n.key,
    skeleton: n.skeleton,
    initials: n.initials,
    countries: '[]',
    identifiers: '[]',
    surname: '',
    birth_dates: '[]',
    list_from: 0,
    entry_digest: '',
  };
}

describe('screening index terms', () => {
  it('document frequencies follow inserts and deletes', () => {
    store = Store.open(join(tempDir(), 'terms.db'));
    const s = store.screening;
    const a = s.insert(entry('Rosoboronexport JSC', '1'), [], indexTerms(normaliseName('Rosoboronexport JSC')));
    s.insert(entry('Rosoboronexport Trading', '2'), [], indexTerms(normaliseName('Rosoboronexport Trading')));
    expect(s.entryCount()).toBe(2);
    expect(s.termCounts(['t:rosoboronexport']).get('t:rosoboronexport')).toBe(2);
    s.remove(a);
    expect(s.entryCount()).toBe(1);
    expect(s.termCounts(['t:rosoboronexport']).get('t:rosoboronexport')).toBe(1);
    expect(s.postings('t:rosoboronexport', 10)).toHaveLength(1);
  });

  it('finds a party by its acronym and by the words written together', () => {
    store = Store.open(join(tempDir(), 'acronym.db'));
    for (const [i, name] of ['Islamic Revolutionary Guard Corps', 'Mino Congo', 'Islamic Relief Agency'].entries())
      store.screening.insert(entry(name, String(i)), [], indexTerms(normaliseName(name)));
    const service = new ScreeningService(store, new AuditService(store, clock), clock);
    const top = (name: string) => service.screen([{ name }], { threshold: 0 })[0]!.hits[0]?.matchedName;
    expect(top('IRGC')).toBe('Islamic Revolutionary Guard Corps');
    expect(top('MINOCONGO')).toBe('Mino Congo');
  });

  it('migration 7 gives names imported before it their terms, and re-indexes records', () => {
    const file = join(tempDir(), 'v6.db');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 6)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, '2026-01-01T00:00:00Z');
    }
    const n = normaliseName('Harbourline Trading FZE');
    old
      .prepare(
        "INSERT INTO screen_entries (source, record_id, list_ref, party_index, party_role, name, name_type, key, skeleton, countries, identifiers) VALUES ('list:old', NULL, 'old:1', 0, NULL, 'Harbourline Trading FZE', 'PRIMARY', ?, ?, '[]', '[]')",
      )
      .run(n.key, n.skeleton);
    old.close();

    store = Store.open(file);
    expect(store.meta.get('screening.terms-backfill')).toBe('1');
    const service = new ScreeningService(store, new AuditService(store, clock), clock);
    expect(service.reindexIfStale()).toBe(1);
    expect(store.meta.get('screening.terms-backfill')).toBeUndefined();
    expect(service.reindexIfStale()).toBe(0);
    expect(store.screening.entryCount()).toBe(1);
    expect(store.screening.postings('t:harbourline', 10)).toHaveLength(1);
    const [res] = service.screen([{ name: 'HARBOURLINE LLC' }]);
    expect(res!.hits[0]).toMatchObject({
      matchedName: 'Harbourline Trading FZE',
      score: 1,
      source: { kind: 'reference-list', list: 'old' },
    });
  });

  it('a database indexed under an older name normalisation is normalised again at start, keeping list, reference and identifiers', () => {
    store = Store.open(join(tempDir(), 'format.db'));
    // as format 1 wrote it: "Abdul Hadi" one word, no terms for its parts
    const rowId = store.screening.insert(
      { ...entry('ABDULHADI TRADING', 'csl:7'), key: 'abdulhadi', skeleton: 'bdld', identifiers: '["imo:1234567"]' },
      ['imo:1234567'],
      ['t:abdulhadi'],
    );
    store.meta.set('screening.format', '1');
    const service = new ScreeningService(store, new AuditService(store, clock), clock);
    expect(service.reindexIfStale()).toBe(1);
    expect(store.meta.get('screening.format')).toBe(NAME_FORMAT);
    expect(store.screening.rows([rowId]).map((r) => r.key)).not.toContain('abdulhadi');
    const [res] = service.screen([{ name: 'Abd al-Hadi' }], { threshold: 0.9 });
    expect(res!.hits[0]).toMatchObject({
      matchedName: 'ABDULHADI TRADING',
      score: 1,
      source: { kind: 'reference-list', list: 'test', ref: 'csl:7' },
    });
    const [again] = store.screening.rows(store.screening.byIdentifier(['imo:1234567']));
    expect(again).toMatchObject({ key: 'abd alhadi', list_ref: 'csl:7', name: 'ABDULHADI TRADING' });
    expect(service.reindexIfStale()).toBe(0);
  });

  it('a name indexed a moment ago is found by its trigrams at once (trigram counts are remembered only when large)', () => {
    store = Store.open(join(tempDir(), 'fresh.db'));
    const service = new ScreeningService(store, new AuditService(store, clock), clock);
    store.screening.insert(
      entry('Harbourline Trading FZE', '1'),
      [],
      indexTerms(normaliseName('Harbourline Trading FZE')),
    );
    expect(service.screen([{ name: 'Brontomaur' }], { threshold: 0.3 })[0]!.hits).toHaveLength(0);
    // shares no word, skeleton or acronym with the query: only its trigrams find it
    store.screening.insert(entry('Brontosaur Holdings', '2'), [], indexTerms(normaliseName('Brontosaur Holdings')));
    expect(service.screen([{ name: 'Brontomaur' }], { threshold: 0.3 })[0]!.hits[0]).toMatchObject({
      matchedName: 'Brontosaur Holdings',
    });
  });
});
