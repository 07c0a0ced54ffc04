// The screening index: entries, FTS5 trigram candidates, identifiers, the indexing queue, reference lists.
import type Database from 'better-sqlite3';
import { openDatabase, preparer, type Db } from './db.js';
import type { MetaTable } from './meta.js';
import type { RecordsTable } from './records.js';
import { ReferenceListTables } from './reference-lists.js';

export interface ScreenEntry {
  source: string;
  record_id: string | null;
  list_ref: string | null;
  party_index: number;
  party_role: string | null;
  name: string;
  name_type: string;
  key: string;
  skeleton: string;
  initials: string;
  countries: string;
  identifiers: string;
  surname: string;
  birth_dates: string;
  /** The list version the row appears in (0 for records), and the digest of its list entry. */
  list_from: number;
  entry_digest: string;
}

/**
 * What screening reaches of the store: its own tables and the reference lists, the screening format
 * key in meta, the current version of a record (to index its parties), and transactions.
 */
export interface ScreeningStore {
  readonly screening: ScreeningTables;
  readonly referenceLists: ReferenceListTables;
  readonly meta: Pick<MetaTable, 'get' | 'set' | 'delete'>;
  readonly records: Pick<RecordsTable, 'currentVersion'>;
  readonly db: Pick<Db, 'name'>;
  tx<T>(fn: () => T): T;
}

/** A read-only connection of the list-import worker's thread: the reference-list tables alone. */
export function openReferenceListsReadOnly(file: string): { referenceLists: ReferenceListTables; close(): void } {
  const db = openDatabase(file, { readonly: true });
  return { referenceLists: new ReferenceListTables(db), close: () => db.close() };
}

/** A hit dismissed as a false positive by one token, for one input. */
export interface Dismissal {
  by: string;
  at: string;
  note: string | null;
}

/** One name to index: its row, identifiers and retrieval terms. */
export interface ScreenInsert {
  entry: ScreenEntry;
  idents: string[];
  terms: string[];
}

/** Which rows a removal takes: one row, a record's, a source's (a list, or every record). */
type Scope = 'row_id' | 'record_id' | 'source';

export interface ScreenEntryRow extends ScreenEntry {
  row_id: number;
  /** The list version that superseded the row (NULL while none). */
  list_to: number | null;
}

export class ScreeningTables {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }
  queued(limit: number): string[] {
    return (this.q('SELECT record_id FROM screen_queue LIMIT ?').all(limit) as { record_id: string }[]).map(
      (r) => r.record_id,
    );
  }
  queueLength(): number {
    return (this.q('SELECT count(*) AS n FROM screen_queue').get() as { n: number }).n;
  }
  dequeue(recordId: string): void {
    this.q('DELETE FROM screen_queue WHERE record_id = ?').run(recordId);
  }
  deleteRecord(recordId: string): void {
    this.removeRows('record_id', recordId);
  }
  deleteList(source: string): void {
    this.removeRows('source', source);
  }
  /** Adds one name with its identifiers and retrieval terms; returns its row id. */
  insert(e: ScreenEntry, idents: string[], terms: string[]): number {
    return this.insertMany([{ entry: e, idents, terms }])[0]!;
  }
  /**
   * Adds names; their terms' document frequencies are counted here for the whole batch (one upsert
   * per distinct term, not a trigger per term row: that made a million names take five minutes).
   */
  insertMany(items: ScreenInsert[]): number[] {
    // one transaction (a savepoint inside the caller's): the rows and their frequencies together
    return this.db.transaction(() => this.insertAll(items))();
  }
  private insertAll(items: ScreenInsert[]): number[] {
    const ins = this.q(
      `INSERT INTO screen_entries (source, record_id, list_ref, party_index, party_role, name, name_type, key, skeleton, initials, countries,
         identifiers, surname, birth_dates, list_from, entry_digest)
       VALUES (@source, @record_id, @list_ref, @party_index, @party_role, @name, @name_type, @key, @skeleton, @initials, @countries,
         @identifiers, @surname, @birth_dates, @list_from, @entry_digest)`,
    );
    const ident = this.q('INSERT OR IGNORE INTO screen_identifiers (ident, row_id) VALUES (?, ?)');
    const term = this.q('INSERT OR IGNORE INTO screen_terms (term, row_id) VALUES (?, ?)');
    const pairs: [string, number][] = [];
    const ids = items.map(({ entry, idents, terms }) => {
      const id = Number(ins.run(entry).lastInsertRowid);
      for (const i of idents) ident.run(i, id);
      for (const t of terms) pairs.push([t, id]);
      return id;
    });
    const df = new Map<string, number>();
    for (const [t, id] of pairs) if (term.run(t, id).changes > 0) df.set(t, (df.get(t) ?? 0) + 1);
    df.set('#entries', items.length);
    this.addFrequencies(df, 1);
    // the trigram index of the batch in one statement (a trigger per row cost four times as much)
    if (ids.length > 0) {
      this.q(
        'INSERT INTO screen_fts (rowid, key, skeleton) SELECT row_id, key, skeleton FROM screen_entries WHERE row_id BETWEEN ? AND ?',
      ).run(ids[0], ids.at(-1));
    }
    return ids;
  }
  private addFrequencies(df: Map<string, number>, sign: 1 | -1): void {
    const up = this.q(
      'INSERT INTO screen_term_df (term, n) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET n = n + excluded.n',
    );
    for (const [t, n] of df) if (n !== 0) up.run(t, sign * n);
  }
  /** Removes names (their terms, identifiers and trigram entries go with them), keeping document frequencies. */
  private removeRows(scope: Scope, value: string | number): void {
    this.db.transaction(() => this.removeWhere(scope, value))();
  }
  private removeWhere(scope: Scope, value: string | number): void {
    const where = `SELECT row_id FROM screen_entries WHERE ${scope} = ?`;
    this.dropTerms(`SELECT term FROM screen_terms INDEXED BY screen_terms_row WHERE row_id IN (${where})`, value);
    this.q(`DELETE FROM screen_terms WHERE row_id IN (${where})`).run(value);
    const gone = this.q(`DELETE FROM screen_entries WHERE ${scope} = ?`).run(value).changes;
    this.addFrequencies(new Map([['#entries', gone]]), -1);
  }
  /** Counts down the document frequencies of the terms a query lists (read by row, through screen_terms_row). */
  private dropTerms(sql: string, param: string | number): void {
    const df = new Map<string, number>();
    for (const { term } of this.q(sql).iterate(param) as Iterable<{ term: string }>)
      df.set(term, (df.get(term) ?? 0) + 1);
    this.addFrequencies(df, -1);
  }
  addTerms(rowId: number, terms: string[]): void {
    const df = new Map<string, number>();
    for (const t of terms)
      if (this.q('INSERT OR IGNORE INTO screen_terms (term, row_id) VALUES (?, ?)').run(t, rowId).changes > 0)
        df.set(t, 1);
    this.addFrequencies(df, 1);
  }
  /** Removes one name (its terms and identifiers go with it). */
  remove(rowId: number): void {
    this.removeRows('row_id', rowId);
  }
  /** Removes names by row id. */
  removeMany(rowIds: number[]): void {
    if (rowIds.length > 0) this.db.transaction(() => this.removeIds(rowIds))();
  }
  private removeIds(rowIds: number[]): void {
    const ids = JSON.stringify(rowIds);
    this.dropTerms(
      'SELECT term FROM screen_terms INDEXED BY screen_terms_row WHERE row_id IN (SELECT value FROM json_each(?))',
      ids,
    );
    this.q('DELETE FROM screen_terms WHERE row_id IN (SELECT value FROM json_each(?))').run(ids);
    const gone = this.q('DELETE FROM screen_entries WHERE row_id IN (SELECT value FROM json_each(?))').run(ids).changes;
    this.addFrequencies(new Map([['#entries', gone]]), -1);
  }
  /** Names indexed, for inverse document frequency. */
  entryCount(): number {
    return (this.q("SELECT n FROM screen_term_df WHERE term = '#entries'").get() as { n: number } | undefined)?.n ?? 0;
  }
  /** Document frequency of each term (0 when absent). */
  termCounts(terms: string[]): Map<string, number> {
    const out = new Map<string, number>(terms.map((t) => [t, 0]));
    // one statement for all terms (a query per term was a tenth of screening time)
    const rows = this.q('SELECT term, n FROM screen_term_df WHERE term IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(terms),
    ) as { term: string; n: number }[];
    for (const r of rows) out.set(r.term, r.n);
    return out;
  }
  /** Rows indexed under a term (at most `limit`). */
  postings(term: string, limit: number): number[] {
    return (
      this.q('SELECT row_id FROM screen_terms WHERE term = ? LIMIT ?').all(term, limit) as { row_id: number }[]
    ).map((r) => r.row_id);
  }
  /** Reference-list rows with afterRowId < row_id ≤ upTo, a page at a time. */
  listRows(afterRowId: number, upTo: number, limit: number): ScreenEntryRow[] {
    return this.q(
      "SELECT * FROM screen_entries WHERE source <> 'record' AND row_id > ? AND row_id <= ? ORDER BY row_id LIMIT ?",
    ).all(afterRowId, upTo, limit) as ScreenEntryRow[];
  }
  maxRowId(): number {
    return (this.q('SELECT coalesce(max(row_id), 0) AS m FROM screen_entries').get() as { m: number }).m;
  }
  /** Candidate rows for an FTS5 query over key and skeleton (trigram phrases OR-ed). */
  candidates(match: string, limit: number): number[] {
    return (
      this.q('SELECT rowid AS r FROM screen_fts WHERE screen_fts MATCH ? ORDER BY rank LIMIT ?').all(match, limit) as {
        r: number;
      }[]
    ).map((x) => x.r);
  }
  /** Rows containing each term (document frequency), to query with the rarest trigrams first. */
  termFrequencies(terms: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of terms)
      out.set(
        t,
        (this.q('SELECT doc AS d FROM screen_fts_terms WHERE term = ?').get(t) as { d: number } | undefined)?.d ?? 0,
      );
    return out;
  }
  byIdentifier(idents: string[]): number[] {
    const out: number[] = [];
    for (const i of idents)
      for (const r of this.q('SELECT row_id FROM screen_identifiers WHERE ident = ?').all(i) as { row_id: number }[])
        out.push(r.row_id);
    return out;
  }
  rows(ids: number[]): ScreenEntryRow[] {
    if (ids.length === 0) return [];
    const out: ScreenEntryRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      out.push(
        ...(this.db
          .prepare(`SELECT * FROM screen_entries WHERE row_id IN (${chunk.map(() => '?').join(',')})`)
          .all(...chunk) as ScreenEntryRow[]),
      );
    }
    return out;
  }
  recordState(
    id: string,
  ):
    { status: string; recalled: number; origin: string; type: string; own: number; review: string | null } | undefined {
    return this.q('SELECT status, recalled, origin, type, own, review FROM records WHERE id = ?').get(id) as
      | { status: string; recalled: number; origin: string; type: string; own: number; review: string | null }
      | undefined;
  }
  setList(name: string, source: string, entries: number, at: string, digest: string): void {
    this.q(
      'INSERT INTO reference_lists (name, source, entries, imported_at, digest) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET source = excluded.source, entries = excluded.entries, imported_at = excluded.imported_at, digest = excluded.digest',
    ).run(name, source, entries, at, digest);
  }
  list(name: string): { digest: string; entries: number } | undefined {
    return this.q('SELECT digest, entries FROM reference_lists WHERE name = ?').get(name) as
      { digest: string; entries: number } | undefined;
  }
  dismiss(inputKey: string, target: string, by: string, at: string, note: string | null): void {
    this.q('INSERT OR REPLACE INTO screen_dismissals (input_key, target, by, at, note) VALUES (?, ?, ?, ?, ?)').run(
      inputKey,
      target,
      by,
      at,
      note,
    );
  }
  /** Removes one token's dismissal; false when it had none. */
  undismiss(inputKey: string, target: string, by: string): boolean {
    return (
      this.q('DELETE FROM screen_dismissals WHERE input_key = ? AND target = ? AND by = ?').run(inputKey, target, by)
        .changes === 1
    );
  }
  /** Every token's dismissals for an input, by target, oldest first. */
  dismissed(inputKey: string): Map<string, Dismissal[]> {
    const rows = this.q('SELECT target, by, at, note FROM screen_dismissals WHERE input_key = ? ORDER BY at, by').all(
      inputKey,
    ) as ({ target: string } & Dismissal)[];
    const out = new Map<string, Dismissal[]>();
    for (const { target, ...d } of rows) out.set(target, [...(out.get(target) ?? []), d]);
    return out;
  }
  link(a: string, b: string, by: string, at: string, note: string | null): void {
    this.q('INSERT OR REPLACE INTO party_links (a, b, by, at, note) VALUES (?, ?, ?, ?, ?)').run(a, b, by, at, note);
  }
  linked(target: string): string[] {
    return (
      this.q('SELECT b AS t FROM party_links WHERE a = ? UNION SELECT a AS t FROM party_links WHERE b = ?').all(
        target,
        target,
      ) as { t: string }[]
    ).map((r) => r.t);
  }
  entriesOf(target: string): number[] {
    const [kind, ...rest] = target.split('|');
    if (kind === 'record')
      return (
        this.q("SELECT row_id FROM screen_entries WHERE source = 'record' AND record_id = ? AND party_index = ?").all(
          rest[0],
          Number(rest[1]),
        ) as { row_id: number }[]
      ).map((r) => r.row_id);
    return (
      this.q('SELECT row_id FROM screen_entries WHERE source = ? AND list_ref = ?').all(`list:${rest[0]}`, rest[1]) as {
        row_id: number;
      }[]
    ).map((r) => r.row_id);
  }
  /** Drops the record names and queues every record to be indexed again. */
  requeueRecords(): void {
    this.removeRows('source', 'record');
    this.db.exec('INSERT OR IGNORE INTO screen_queue SELECT id FROM records');
  }
}
