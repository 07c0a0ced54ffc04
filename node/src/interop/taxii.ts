// The TAXII 2.1 collection reader (read-only): a collection is the STIX objects of its record
// versions in storage order, after the objects they share (TLP markings, extension definitions,
// creator identities); filters as TAXII 2.1 §3.4 (added_after, match[id], match[type],
// match[version], match[spec_version]), pages by an opaque position. Nothing above the reader's
// TLP allowance is read at all: the store query leaves those versions out.
import type { CollectionScope, ExportVersionRow } from '../store/interop.js';
import { allCollections, type CollectionInfo, type ExportAccessService } from './access.js';
import type { InteropDeps, Principal } from './deps.js';
import { toStix } from './stix-mapping.js';
import {
  authorIdentity,
  exerciseMarking,
  extensionDefinitions,
  nodeIdentity,
  tlpMarking,
  tlpsUpTo,
  type StixObject,
  type Tlp,
} from './stix-static.js';
import { asText } from '../domain/text.js';

export interface VersionMatch {
  last: boolean;
  first: boolean;
  all: boolean;
  /** Exact versions (STIX timestamps, milliseconds). */
  at: Set<string>;
}

/** Where a page ends: an object of a stored version (row), or a whole row (index Infinity). */
export interface Position {
  row: number;
  index: number;
}

export interface TaxiiQuery {
  addedAfter?: string;
  ids?: string[];
  types?: string[];
  specVersions?: string[];
  versions: VersionMatch;
  limit: number;
  after?: Position;
}

export interface Entry {
  object: StixObject;
  dateAdded: string;
  version: string;
  pos: Position;
}

export interface Page {
  entries: Entry[];
  more: boolean;
  next?: Position;
}

/** Stored versions read per query, and at most per request (a page may end early, `more` set). */
const BATCH = 200;
const ROW_BUDGET = 2000;

export function versionOf(o: StixObject): string {
  return asText(o.modified ?? o.created);
}

function after(a: Position, b: Position): boolean {
  return a.row > b.row || (a.row === b.row && a.index > b.index);
}

export function encodePosition(p: Position): string {
  return Buffer.from(`${p.row}.${Number.isFinite(p.index) ? p.index : 'x'}`).toString('base64url');
}

export function decodePosition(s: string): Position | null {
  const m = /^([0-9]{1,15})\.([0-9]{1,6}|x)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? { row: Number(m[1]), index: m[2] === 'x' ? Infinity : Number(m[2]) } : null;
}

export class TaxiiService {
  constructor(
    private readonly deps: InteropDeps,
    readonly access: ExportAccessService,
  ) {}

  collectionsFor(p: Principal): CollectionInfo[] {
    return this.access.collectionsOf(p.name);
  }

  /** A collection the principal may read, by id or alias; undefined when missing or not granted. */
  collection(p: Principal, idOrAlias: string): CollectionInfo | undefined {
    return this.collectionsFor(p).find((c) => c.id === idOrAlias || c.alias === idOrAlias);
  }

  page(p: Principal, c: CollectionInfo, q: TaxiiQuery): Page {
    if (q.ids) this.ensureIndexed();
    const tlps = tlpsUpTo(this.access.get(p.name).maxTlp);
    return new CollectionReader(this.deps, c.scope, tlps, q).page();
  }

  /** Fills the STIX id → record index up to the last stored version (match[id], object endpoints). */
  ensureIndexed(): void {
    for (;;) {
      const rows = this.deps.store.rowsAfter(this.deps.store.indexedUpTo(), 500);
      if (rows.length === 0) return;
      const entries = rows.flatMap((r) => expand(r, this.deps.exercise).map((o) => ({ stixId: o.id, recordId: r.id })));
      this.deps.tx(() => this.deps.store.addToIndex(entries, rows.at(-1)!.row_id));
    }
  }

  /** Every collection, whoever asks (the admin's view, for `entente token exports`). */
  all(): CollectionInfo[] {
    return allCollections(this.deps);
  }
}

function expand(row: ExportVersionRow, exercise: boolean): StixObject[] {
  return toStix({ type: row.type, record: JSON.parse(row.body) as Record<string, never>, exercise });
}

interface HeldVersion {
  version: number;
  row: ExportVersionRow;
  ids?: Set<string>;
}

class CollectionReader {
  private readonly history = new Map<string, HeldVersion[]>();

  constructor(
    private readonly deps: InteropDeps,
    private readonly scope: CollectionScope,
    private readonly tlps: Tlp[],
    private readonly q: TaxiiQuery,
  ) {}

  /** The objects the collection's versions share, added with its first version. */
  private shared(): StixObject[] {
    const scope = this.scope;
    const origin = scope.own
      ? this.deps.node
      : (this.deps.partners().find((x) => x.nodeId === scope.origin) ?? {
          nodeId: scope.origin,
          name: scope.origin,
          country: '',
        });
    return [
      ...this.tlps.map(tlpMarking),
      ...(this.deps.exercise ? [exerciseMarking()] : []),
      ...extensionDefinitions(),
      authorIdentity(),
      nodeIdentity(origin),
    ];
  }

  page(): Page {
    const q = this.q;
    const want = q.limit + 1;
    const start = q.after ?? { row: 0, index: -1 };
    const out: Entry[] = [];
    const first = this.deps.store.first(this.scope, this.tlps);
    if (!first) return { entries: [], more: false };
    if (start.row === 0 && (q.addedAfter === undefined || first.stored_at > q.addedAfter)) {
      this.shared().forEach((o, index) => {
        if (index > start.index && this.selected(o)) out.push(this.entry(o, first.stored_at, { row: 0, index }));
      });
    }
    const recordIds = q.ids ? this.recordsOf(q.ids) : undefined;
    let afterRow = start.row === 0 ? 0 : Number.isFinite(start.index) ? start.row - 1 : start.row;
    let budget = ROW_BUDGET;
    while (out.length < want) {
      if (budget === 0) return this.finish(out, { row: afterRow, index: Infinity });
      const limit = Math.min(BATCH, budget);
      const rows = this.deps.store.scan({
        scope: this.scope,
        tlps: this.tlps,
        afterRow,
        storedAfter: q.addedAfter,
        recordIds,
        limit,
      });
      for (const row of rows) {
        budget--;
        afterRow = row.row_id;
        expand(row, this.deps.exercise).forEach((o, index) => {
          const pos = { row: row.row_id, index };
          if (out.length < want && after(pos, start) && this.selected(o, row))
            out.push(this.entry(o, row.stored_at, pos));
        });
        if (out.length >= want) break;
      }
      if (rows.length < limit && out.length < want) return this.finish(out, null);
    }
    return this.finish(out, null);
  }

  /** A page of at most `limit` entries; `scanned` is where a page cut short by the row budget resumes. */
  private finish(out: Entry[], scanned: Position | null): Page {
    if (out.length > this.q.limit) {
      const entries = out.slice(0, this.q.limit);
      return { entries, more: true, next: entries.at(-1)!.pos };
    }
    if (scanned) return { entries: out, more: true, next: scanned };
    return { entries: out, more: false };
  }

  private entry(object: StixObject, dateAdded: string, pos: Position): Entry {
    return { object, dateAdded, version: versionOf(object), pos };
  }

  private recordsOf(ids: string[]): string[] {
    return this.deps.store.recordsOf(ids);
  }

  private selected(o: StixObject, row?: ExportVersionRow): boolean {
    const q = this.q;
    if (q.types && !q.types.includes(o.type)) return false;
    if (q.ids && !q.ids.includes(o.id)) return false;
    if (q.specVersions && !q.specVersions.includes(o.spec_version)) return false;
    const v = q.versions;
    if (v.all || v.at.has(versionOf(o))) return true;
    // the shared objects have one version each
    if (!row) return v.last || v.first;
    return (
      (v.last && !this.elsewhere(o.id, row, (x) => x > row.version)) ||
      (v.first && !this.elsewhere(o.id, row, (x) => x < row.version))
    );
  }

  /** Whether another visible version of the row's record (selected by its number) has this object. */
  private elsewhere(id: string, row: ExportVersionRow, which: (version: number) => boolean): boolean {
    let held = this.history.get(row.id);
    if (!held) {
      held = this.deps.store.versionsOf(row.id, this.scope, this.tlps).map((r) => ({ version: r.version, row: r }));
      this.history.set(row.id, held);
    }
    return held.some((h) => {
      if (!which(h.version)) return false;
      h.ids ??= new Set(expand(h.row, this.deps.exercise).map((o) => o.id));
      return h.ids.has(id);
    });
  }
}
