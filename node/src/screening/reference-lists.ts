// Reference lists (brief §7): the US Consolidated Screening List CSV (plain or gzip, or any file in
// its format) and JSON entity lists (the BIS Entity List as parsed in shared/data), imported into the
// screening index as reference data, kept apart from partner records and labelled by source in every
// hit. Idempotent: the same file again is a no-op (by digest).
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { sha256 } from '../crypto/digest.js';
import { parseCsv } from '../domain/csv.js';
import { AppError } from '../domain/errors.js';
import { normaliseName } from './names.js';
import { indexTerms } from './terms.js';
import { asArray, isObject } from '../domain/validation.js';
import type { Store } from '../store/index.js';
import type { AuditService } from '../services/audit.js';
import type { Clock } from '../services/clock.js';

export interface ImportResult {
  list: string;
  entries: number;
  names: number;
  unchanged: boolean;
}

export class ReferenceLists {
  constructor(private readonly store: Store, private readonly audit: AuditService, private readonly clock: Clock) {}

  /** Imports a reference list, by content: the US CSL CSV (plain or gzip), or a JSON list of entities with names and aliases. */
  import(file: string, progress: (line: string) => void = () => {}): ImportResult {
    let bytes = readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const head = bytes.subarray(0, 200).toString('utf8').trimStart();
    if (head.startsWith('{')) return this.importEntityJson(bytes, file, progress);
    return this.importCsl(file, progress);
  }

  /** A JSON list `{list_id, entities: [{name, aliases?, country?}]}` (e.g. the BIS Entity List as parsed in shared/data). */
  private importEntityJson(bytes: Buffer, file: string, progress: (line: string) => void): ImportResult {
    let doc: { list_id?: unknown; entities?: unknown };
    try {
      doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
    } catch {
      throw new AppError('validation', 'the list file is not valid JSON');
    }
    if (typeof doc.list_id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(doc.list_id) || !Array.isArray(doc.entities)) {
      throw new AppError('validation', 'a JSON list needs list_id and entities [{name, aliases?, country?}]');
    }
    const list = doc.list_id;
    const digest = sha256(bytes);
    const prev = this.store.screening.list(list);
    if (prev?.digest === digest) return { list, entries: prev.entries, names: 0, unchanged: true };
    const codes = countryCodesByName();
    let entries = 0;
    let names = 0;
    progress(`importing ${doc.entities.length} entities into reference list ${list}…`);
    this.store.tx(() => {
      this.store.screening.deleteList(`list:${list}`);
      (doc.entities as unknown[]).forEach((e: unknown, i: number) => {
        if (!isObject(e) || typeof e.name !== 'string') return;
        const code = typeof e.country === 'string' ? codes.get(e.country.trim().toLowerCase()) : undefined;
        const variants = [{ v: e.name, t: 'PRIMARY' }, ...asArray(e.aliases).filter((a): a is string => typeof a === 'string').map((v) => ({ v, t: 'ALIAS' }))];
        let any = false;
        for (const { v, t } of variants) {
          const norm = normaliseName(v.trim());
          if (!norm.key) continue;
          this.store.screening.insert({ source: `list:${list}`, record_id: null, list_ref: `${list}:${i}`, party_index: 0, party_role: null, name: v.trim(), name_type: t, key: norm.key, skeleton: norm.skeleton, initials: norm.initials, countries: JSON.stringify(code ? [code] : []), identifiers: '[]' }, [], indexTerms(norm));
          names++;
          any = true;
        }
        if (any) entries++;
      });
      this.store.screening.setList(list, file.split('/').at(-1) ?? file, entries, new Date(this.clock.now()).toISOString(), digest);
      this.audit.append({ action: 'reference-list.import', actor: 'cli', subject: list, details: { entries, names, digest } });
    });
    return { list, entries, names, unchanged: false };
  }

  /**
   * Imports a reference list in the US Consolidated Screening List CSV format (plain or gzip),
   * kept apart from partner records, labelled by source. Idempotent: the same file is a no-op.
   */
  importCsl(file: string, progress: (line: string) => void = () => {}): ImportResult {
    let bytes = readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const digest = sha256(bytes);
    const text = bytes.toString('utf8');
    const rows = parseCsv(text);
    const header = rows.next().value as string[] | undefined;
    if (!header || !header.includes('name') || !header.includes('alt_names')) throw new AppError('validation', 'not a Consolidated Screening List CSV (no name and alt_names columns)');
    const col = (name: string) => header.indexOf(name);
    const list = 'us-csl';
    const prev = this.store.screening.list(list);
    if (prev?.digest === digest) return { list, entries: prev.entries, names: 0, unchanged: true };
    let entries = 0;
    let names = 0;
    const all = [...rows];
    progress(`importing ${all.length} rows into reference list ${list}…`);
    this.store.tx(() => {
      this.store.screening.deleteList(`list:${list}`);
      for (const r of all) {
        const id = r[col('_id')] ?? '';
        const source = r[col('source')] ?? '';
        const countries = new Set<string>();
        for (const a of (r[col('addresses')] ?? '').split(';')) {
          const c = a.trim().split(',').at(-1)?.trim() ?? '';
          if (/^[A-Z]{2}$/.test(c)) countries.add(c);
        }
        for (const f of ['citizenships', 'nationalities']) for (const c of (r[col(f)] ?? '').split(/[;,]/)) if (/^[A-Z]{2}$/.test(c.trim())) countries.add(c.trim());
        const variants = [{ v: r[col('name')] ?? '', t: 'PRIMARY' }, ...(r[col('alt_names')] ?? '').split(';').map((v) => ({ v, t: 'ALIAS' }))];
        let any = false;
        for (const { v, t } of variants) {
          const value = v.trim();
          if (!value) continue;
          const norm = normaliseName(value);
          if (!norm.key) continue;
          this.store.screening.insert({ source: `list:${list}`, record_id: null, list_ref: `csl:${id}`, party_index: 0, party_role: source.slice(0, 120), name: value, name_type: t, key: norm.key, skeleton: norm.skeleton, initials: norm.initials, countries: JSON.stringify([...countries]), identifiers: '[]' }, [], indexTerms(norm));
          names++;
          any = true;
        }
        if (any) entries++;
        if (entries % 2000 === 0 && any) progress(`  ${entries} entries`);
      }
      this.store.screening.setList(list, file.split('/').at(-1) ?? file, entries, new Date(this.clock.now()).toISOString(), digest);
      this.audit.append({ action: 'reference-list.import', actor: 'cli', subject: list, details: { entries, names, digest } });
    });
    return { list, entries, names, unchanged: false };
  }
}

let countryNames: Map<string, string> | null = null;
/** English country names (and a few list spellings) to ISO 3166-1 alpha-2 codes, from Intl. */
function countryCodesByName(): Map<string, string> {
  if (countryNames) return countryNames;
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const map = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      try {
        const n = names.of(code);
        if (n && n !== code) map.set(n.toLowerCase(), code);
      } catch {
        /* not a region */
      }
    }
  }
  for (const [n, c] of [['hong kong', 'HK'], ['macau', 'MO'], ['burma', 'MM'], ['north korea', 'KP'], ['korea, north', 'KP'], ['south korea', 'KR'], ['korea, south', 'KR'], ['russian federation', 'RU'], ['the netherlands', 'NL'], ['united kingdom', 'GB'], ['u.a.e.', 'AE'], ['turkey', 'TR'], ['czech republic', 'CZ']] as const) map.set(n, c);
  countryNames = map;
  return map;
}
