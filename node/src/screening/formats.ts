// Reference-list formats (docs/screening.md, "Reference lists"): the US Consolidated Screening List
// as CSV and as JSON, JSON entity lists ({list_id, entities}), OpenSanctions FollowTheMoney entities
// (JSON lines) and a plain CSV whose columns a header mapping names. Each yields list entries; the
// caller streams the file in as text chunks. Pure: no I/O of its own.
import { parseCsv } from '../domain/csv.js';
import { AppError } from '../domain/errors.js';
import { identKey } from './terms.js';

export const FORMATS = ['csl-csv', 'csl-json', 'entity-json', 'ftm', 'csv'] as const;
export type ListFormat = (typeof FORMATS)[number];

export interface ListEntry {
  /** Stable within the list (the list's own id, or its position when it has none). */
  ref: string;
  names: { value: string; type: string }[];
  countries: string[];
  birthDates: string[];
  /** scheme:VALUE keys. */
  identifiers: string[];
  /** What the list says the party is or is listed under (Person, Company, the CSL's source list). */
  role?: string;
}

/** Columns of a plain CSV: `name` required; `alias`, `country`, `id`, `birthDate`, `identifier` optional. */
export type ColumnMap = Partial<Record<'name' | 'alias' | 'country' | 'id' | 'birthDate' | 'identifier', string>>;

/** `name=Name,alias=AKA,country=Country` → a column map. */
export function parseColumnMap(spec: string): ColumnMap {
  const out: ColumnMap = {};
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (!k || !v || !['name', 'alias', 'country', 'id', 'birthDate', 'identifier'].includes(k)) {
      throw new AppError(
        'validation',
        `bad column mapping "${part}": use name=COLUMN[,alias=COLUMN,country=COLUMN,id=COLUMN,birthDate=COLUMN]`,
      );
    }
    out[k as keyof ColumnMap] = v;
  }
  if (!out.name) throw new AppError('validation', 'the column mapping needs name=COLUMN');
  return out;
}

/** The format of a file from its first bytes (after any gzip), unless one is given. */
export function sniffFormat(head: string, given?: string): ListFormat {
  if (given) {
    if (!(FORMATS as readonly string[]).includes(given))
      throw new AppError('validation', `unknown list format ${given}; one of ${FORMATS.join(', ')}`);
    return given as ListFormat;
  }
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) {
    const firstLine = text.split('\n', 1)[0]!;
    if (/"schema"\s*:/.test(firstLine) && /"properties"\s*:/.test(firstLine)) return 'ftm';
    if (/"results"\s*:/.test(text)) return 'csl-json';
    return 'entity-json';
  }
  if (text.startsWith('[')) return 'csl-json';
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,)_id,/.test(header) && header.includes('alt_names')) return 'csl-csv';
  return 'csv';
}

/** Text chunks to CSV records, never splitting a quoted field. */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let buffer = '';
  let inQuotes = false;
  let scanned = 0;
  for await (const chunk of chunks) {
    buffer += chunk;
    let cut = -1;
    for (let i = scanned; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes) cut = i;
    }
    scanned = buffer.length;
    if (cut >= 0) {
      yield* parseCsv(buffer.slice(0, cut + 1));
      buffer = buffer.slice(cut + 1);
      scanned = buffer.length;
      // the quote state at the cut was "outside"; what follows was scanned with the right state
    }
  }
  if (buffer.trim()) yield* parseCsv(buffer);
}

/** Text chunks to lines. */
async function* lines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const l of parts) yield l;
  }
  if (rest) yield rest;
}

async function wholeText(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

const cc = (c: unknown): string | null =>
  typeof c === 'string' && /^[A-Za-z]{2}$/.test(c.trim()) && c.trim().toLowerCase() !== 'zz'
    ? c.trim().toUpperCase()
    : null;
const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** The entries of a list file in the given format; `list` is the name the file gives itself, if any. */
export async function* parseList(
  format: ListFormat,
  chunks: AsyncIterable<string>,
  map?: ColumnMap,
): AsyncGenerator<ListEntry> {
  if (format === 'csl-csv') yield* cslCsv(chunks);
  else if (format === 'csv') yield* mappedCsv(chunks, map);
  else if (format === 'ftm') yield* followTheMoney(chunks);
  else yield* jsonList(format, await wholeText(chunks));
}

async function* cslCsv(chunks: AsyncIterable<string>): AsyncGenerator<ListEntry> {
  const rows = csvRecords(chunks);
  const first = await rows.next();
  const header = first.done ? [] : first.value;
  if (!header.includes('name') || !header.includes('alt_names'))
    throw new AppError('validation', 'not a Consolidated Screening List CSV (no name and alt_names columns)');
  const col = (r: string[], n: string) => r[header.indexOf(n)] ?? '';
  // an OFAC party on several programmes has one row per programme, under one _id
  const byRef = new Map<string, ListEntry>();
  for await (const r of rows) {
    const ref = `csl:${col(r, '_id')}`;
    const e = byRef.get(ref) ?? {
      ref,
      names: [],
      countries: [],
      birthDates: [],
      identifiers: [],
      role: col(r, 'source').slice(0, 120),
    };
    for (const [v, type] of [
      [col(r, 'name'), 'PRIMARY'],
      ...col(r, 'alt_names')
        .split(';')
        .map((a) => [a, 'ALIAS']),
    ] as [string, string][]) {
      if (v.trim() && !e.names.some((n) => n.value === v.trim())) e.names.push({ value: v.trim(), type });
    }
    for (const a of col(r, 'addresses').split(';')) e.countries.push(cc(a.trim().split(',').at(-1)) ?? '');
    for (const c of [...col(r, 'citizenships').split(/[;,]/), ...col(r, 'nationalities').split(/[;,]/)])
      e.countries.push(cc(c) ?? '');
    for (const d of col(r, 'dates_of_birth').split(';'))
      if (/^\d{4}(-\d\d){0,2}$/.test(d.trim())) e.birthDates.push(d.trim());
    for (const id of col(r, 'ids').split(';')) {
      const [country, number, type] = id.split(',').map((x) => x.trim());
      if (number && type && country !== undefined)
        e.identifiers.push(identKey(type.toUpperCase().replace(/[^A-Z0-9]+/g, '-'), number));
    }
    byRef.set(ref, e);
  }
  for (const e of byRef.values()) yield tidy(e);
}

function tidy(e: ListEntry): ListEntry {
  return {
    ...e,
    countries: uniq(e.countries.filter(Boolean)),
    birthDates: uniq(e.birthDates),
    identifiers: uniq(e.identifiers),
  };
}

async function* mappedCsv(chunks: AsyncIterable<string>, map: ColumnMap | undefined): AsyncGenerator<ListEntry> {
  if (!map?.name)
    throw new AppError(
      'validation',
      'a plain CSV list needs a column mapping (--map name=COLUMN,alias=COLUMN,country=COLUMN)',
    );
  const rows = csvRecords(chunks);
  const first = await rows.next();
  const header = (first.done ? [] : first.value).map((h) => h.trim().replace(/^\uFEFF/, ''));
  for (const [k, v] of Object.entries(map))
    if (!header.includes(v))
      throw new AppError('validation', `the CSV has no column "${v}" (mapped to ${k}); it has ${header.join(', ')}`);
  const get = (r: string[], k: keyof ColumnMap) => (map[k] ? (r[header.indexOf(map[k])] ?? '').trim() : '');
  let i = 0;
  for await (const r of rows) {
    i++;
    const primary = get(r, 'name');
    if (!primary) continue;
    const aliases = get(r, 'alias')
      .split(/[;|]/)
      .map((a) => a.trim())
      .filter((a) => a && a !== primary);
    yield tidy({
      ref: get(r, 'id') || String(i),
      names: [{ value: primary, type: 'PRIMARY' }, ...uniq(aliases).map((value) => ({ value, type: 'ALIAS' }))],
      countries: get(r, 'country')
        .split(/[;|,]/)
        .map((c) => cc(c) ?? countryCode(c) ?? ''),
      birthDates: get(r, 'birthDate')
        .split(/[;|]/)
        .map((d) => d.trim())
        .filter((d) => /^\d{4}(-\d\d){0,2}$/.test(d)),
      identifiers: get(r, 'identifier')
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => identKey('ID', x)),
    });
  }
}

/** FollowTheMoney schemata that are parties (OpenSanctions' exports also carry sanctions, addresses, links). */
const FTM_PARTIES = new Set(['Person', 'Company', 'Organization', 'LegalEntity', 'PublicBody', 'Vessel', 'Airplane']);
/** FollowTheMoney identifier properties and the schemes they are indexed under. */
const FTM_IDS: Record<string, string> = {
  leiCode: 'LEI',
  innCode: 'INN',
  ogrnCode: 'OGRN',
  imoNumber: 'IMO',
  swiftBic: 'BIC',
  taxNumber: 'TAX',
  registrationNumber: 'REG',
  idNumber: 'ID',
  passportNumber: 'PASSPORT',
  vatCode: 'VAT',
};

async function* followTheMoney(chunks: AsyncIterable<string>): AsyncGenerator<ListEntry> {
  let n = 0;
  for await (const line of lines(chunks)) {
    n++;
    if (!line.trim()) continue;
    let e: { id?: unknown; schema?: unknown; properties?: Record<string, unknown> };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      throw new AppError('validation', `line ${n} is not JSON (FollowTheMoney entities are one JSON object a line)`);
    }
    if (
      typeof e.schema !== 'string' ||
      !FTM_PARTIES.has(e.schema) ||
      typeof e.properties !== 'object' ||
      e.properties === null
    )
      continue;
    const p = e.properties;
    const strs = (k: string) =>
      Array.isArray(p[k])
        ? (p[k] as unknown[]).filter((x): x is string => typeof x === 'string' && x.trim() !== '')
        : [];
    const names = [
      ...strs('name').map((value, i) => ({ value, type: i === 0 ? 'PRIMARY' : 'ALIAS' })),
      ...strs('alias').map((value) => ({ value, type: 'ALIAS' })),
      ...strs('previousName').map((value) => ({ value, type: 'PREVIOUS' })),
      ...strs('weakAlias').map((value) => ({ value, type: 'WEAK_ALIAS' })),
    ].filter((x, i, all) => all.findIndex((y) => y.value === x.value) === i);
    if (names.length === 0) continue;
    yield tidy({
      ref: typeof e.id === 'string' ? e.id : String(n),
      names,
      countries: [...strs('country'), ...strs('nationality'), ...strs('citizenship'), ...strs('jurisdiction')].map(
        (c) => cc(c) ?? '',
      ),
      birthDates: strs('birthDate')
        .filter((d) => /^\d{4}(-\d\d){0,2}/.test(d))
        .map((d) => d.slice(0, 10)),
      identifiers: Object.entries(FTM_IDS).flatMap(([k, scheme]) => strs(k).map((v) => identKey(scheme, v))),
      role: e.schema,
    });
  }
}

function* jsonList(format: ListFormat, text: string): Generator<ListEntry> {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new AppError('validation', 'the list file is not valid JSON');
  }
  if (format === 'csl-json') {
    const results = Array.isArray(doc) ? doc : (doc as { results?: unknown }).results;
    if (!Array.isArray(results))
      throw new AppError('validation', 'a CSL JSON file has results: [{name, alt_names, …}]');
    for (const [i, r] of (results as Record<string, unknown>[]).entries()) {
      if (typeof r.name !== 'string') continue;
      const alts = Array.isArray(r.alt_names)
        ? r.alt_names
        : typeof r.alt_names === 'string'
          ? r.alt_names.split(';')
          : [];
      const addresses = Array.isArray(r.addresses) ? (r.addresses as { country?: unknown }[]) : [];
      const nats = [r.nationalities, r.citizenships].flatMap((x) =>
        Array.isArray(x) ? x : typeof x === 'string' ? x.split(/[;,]/) : [],
      );
      const dobs = Array.isArray(r.dates_of_birth)
        ? r.dates_of_birth
        : typeof r.dates_of_birth === 'string'
          ? r.dates_of_birth.split(';')
          : [];
      yield tidy({
        ref: `csl:${typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : i}`,
        names: [
          { value: r.name.trim(), type: 'PRIMARY' },
          ...alts
            .filter((a): a is string => typeof a === 'string' && a.trim() !== '')
            .map((a) => ({ value: a.trim(), type: 'ALIAS' })),
        ],
        countries: [...addresses.map((a) => cc(a.country) ?? ''), ...nats.map((c) => cc(c) ?? '')],
        birthDates: dobs
          .filter((d): d is string => typeof d === 'string' && /^\d{4}(-\d\d){0,2}$/.test(d.trim()))
          .map((d) => d.trim()),
        identifiers: [],
        role: typeof r.source === 'string' ? r.source.slice(0, 120) : undefined,
      });
    }
    return;
  }
  const d = doc as { list_id?: unknown; entities?: unknown };
  if (typeof d.list_id !== 'string' || !Array.isArray(d.entities))
    throw new AppError('validation', 'a JSON list needs list_id and entities [{name, aliases?, country?}]');
  for (const [i, e] of (d.entities as Record<string, unknown>[]).entries()) {
    if (typeof e.name !== 'string' || !e.name.trim()) continue;
    const aliases = Array.isArray(e.aliases)
      ? e.aliases.filter((a): a is string => typeof a === 'string' && a.trim() !== '')
      : [];
    const names = [e.name.trim(), ...aliases.map((a) => a.trim())].filter((v, k, all) => all.indexOf(v) === k);
    yield tidy({
      ref: `${d.list_id}:${i}`,
      names: names.map((value, k) => ({ value, type: k === 0 ? 'PRIMARY' : 'ALIAS' })),
      countries: [typeof e.country === 'string' ? (countryCode(e.country) ?? '') : ''],
      birthDates: [],
      identifiers: [],
    });
  }
}

/** The name a JSON entity list gives itself (list_id), read from its first bytes. */
export function listIdOf(head: string): string | null {
  const m = /"list_id"\s*:\s*"([a-z0-9][a-z0-9-]{0,63})"/.exec(head);
  return m ? m[1]! : null;
}

let countryNames: Map<string, string> | null = null;
/** An English country name (or a few list spellings) to its ISO 3166-1 alpha-2 code, from Intl. */
export function countryCode(name: string): string | null {
  if (!countryNames) {
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
    const extra: [string, string][] = [
      ['hong kong', 'HK'],
      ['macau', 'MO'],
      ['burma', 'MM'],
      ['north korea', 'KP'],
      ['korea, north', 'KP'],
      ['south korea', 'KR'],
      ['korea, south', 'KR'],
      ['russian federation', 'RU'],
      ['the netherlands', 'NL'],
      ['united kingdom', 'GB'],
      ['u.a.e.', 'AE'],
      ['turkey', 'TR'],
      ['czech republic', 'CZ'],
    ];
    for (const [n, c] of extra) map.set(n, c);
    countryNames = map;
  }
  return countryNames.get(name.trim().toLowerCase()) ?? null;
}
