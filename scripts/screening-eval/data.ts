// The evaluation's data: the real lists in ../shared/data (read-only), as parties with all their names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from '../../node/src/domain/csv.js';

export interface EvalParty {
  /** Unique across lists: `csl:<_id>` or `nsfreg:<list_id>:<i>` (shared/data/README.md). */
  id: string;
  /** The list it is on: the CSL's short code (SDN, EL, DPL…) or the nsfreg list_id. */
  list: string;
  names: string[];
  countries: string[];
  birthDates: string[];
  /** Individual, Entity, Vessel, Aircraft where the list says so; '' otherwise. */
  type: string;
}

export const dataDir = join(import.meta.dirname, '../../../shared/data');
const fixtures = join(import.meta.dirname, '../../test/fixtures');

/** The 2022 US Consolidated Screening List (its excerpt in test/fixtures when shared/data is absent). */
export function loadCsl(): EvalParty[] {
  const full = join(dataDir, 'us_trade_csl/consolidated_2022-05.csv.gz');
  let bytes = readFileSync(existsSync(full) ? full : join(fixtures, 'csl-excerpt.csv'));
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const rows = parseCsv(bytes.toString('utf8'));
  const header = rows.next().value as string[];
  const col = (r: string[], n: string) => r[header.indexOf(n)] ?? '';
  const byId = new Map<string, EvalParty>();
  for (const r of rows) {
    const id = `csl:${col(r, '_id')}`;
    const code = /\(([^)]+)\)/.exec(col(r, 'source'))?.[1] ?? col(r, 'source');
    const p = byId.get(id) ?? {
      id,
      list: code.replace(/ List$/, ''),
      names: [],
      countries: [],
      birthDates: [],
      type: col(r, 'type'),
    };
    for (const n of [col(r, 'name'), ...col(r, 'alt_names').split(';')]) {
      const v = n.trim();
      if (v && !p.names.includes(v)) p.names.push(v);
    }
    for (const a of col(r, 'addresses').split(';')) {
      const c = a.trim().split(',').at(-1)?.trim() ?? '';
      if (/^[A-Z]{2}$/.test(c) && !p.countries.includes(c)) p.countries.push(c);
    }
    for (const c of [...col(r, 'citizenships').split(/[;,]/), ...col(r, 'nationalities').split(/[;,]/)]) {
      if (/^[A-Z]{2}$/.test(c.trim()) && !p.countries.includes(c.trim())) p.countries.push(c.trim());
    }
    for (const d of col(r, 'dates_of_birth').split(';'))
      if (d.trim() && !p.birthDates.includes(d.trim())) p.birthDates.push(d.trim());
    byId.set(id, p);
  }
  return [...byId.values()].filter((p) => p.names.length > 0);
}

/** The thirteen 2023–2026 US lists parsed by a third party (shared/data/README.md §4). */
export function loadNsfreg(): EvalParty[] {
  const dir = join(dataDir, 'us_restricted_lists_nsfreg');
  if (!existsSync(dir)) return [];
  const out: EvalParty[] = [];
  const region = new Intl.DisplayNames(['en'], { type: 'region' });
  const codes = new Map<string, string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const c = String.fromCharCode(a, b);
      try {
        const n = region.of(c);
        if (n && n !== c) codes.set(n.toLowerCase(), c);
      } catch {
        /* not a region */
      }
    }
  }
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json') && x !== 'lists.json')
    .sort()) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
      list_id: string;
      entities: { name?: string; aliases?: string[]; country?: string | null }[];
    };
    doc.entities.forEach((e, i) => {
      const names = [e.name ?? '', ...(e.aliases ?? [])]
        .map((n) => n.trim())
        .filter((n, k, all) => n && all.indexOf(n) === k);
      if (names.length === 0) return;
      const cc = e.country ? codes.get(e.country.trim().toLowerCase()) : undefined;
      out.push({
        id: `nsfreg:${doc.list_id}:${i}`,
        list: doc.list_id,
        names,
        countries: cc ? [cc] : [],
        birthDates: [],
        type: '',
      });
    });
  }
  return out;
}

/** A stable half of the parties (by a hash of the id): the calibration half when true. */
export function calibrationHalf(id: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) & 1) === 0;
}
