// CSV exports for spreadsheets (RFC 4180, UTF-8, CRLF): records, one row per record version the
// search returned, and screening results, one row per hit (and per candidate of an application).
// Formatters over the JSON the operator API returns; rows above the reader's TLP allowance are
// left out and counted. A cell that a spreadsheet would read as a formula is prefixed with '. Pure.
import { tlpAllowed, type JsonValue, type Tlp } from './stix-static.js';
import { isJsonObject, objects, str, strings, type JsonObject } from './stix-util.js';
import { asText } from '../domain/text.js';

export interface CsvOutput {
  text: string;
  /** Rows left out: above the TLP allowance. */
  withheld: number;
}

type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Cell[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

const join = (xs: string[]) => xs.join('; ');

/**
 * The lines of one export: on an exercise node (docs/protocol.md §14.5) every line starts with an
 * `exercise` column valued EXERCISE, which a spreadsheet keeps through sorting and filtering.
 */
function lines(exercise: boolean): { header(columns: string[]): string; row(cells: Cell[]): string } {
  return {
    header: (columns) => csvLine(exercise ? ['exercise', ...columns] : columns),
    row: (cells) => csvLine(exercise ? ['EXERCISE', ...cells] : cells),
  };
}

function handlingText(h: JsonValue | undefined): string {
  const oc = isJsonObject(h) && isJsonObject(h.originatorControl) ? h.originatorControl : {};
  const flags = [
    oc.noOnwardSharing === true ? 'no onward sharing' : '',
    oc.noEvidentialUseWithoutConsent === true ? 'no evidential use without consent' : '',
    oc.noDowngradeWithoutConsent === true ? 'no downgrade without consent' : '',
    typeof oc.purposeLimitation === 'string' ? `purpose: ${oc.purposeLimitation}` : '',
  ];
  return join(flags.filter(Boolean));
}

function controls(r: JsonObject): string {
  const refs = objects(r.items).flatMap((it) => objects(it.controlRefs));
  return join([
    ...new Set(refs.map((c) => (c.scheme === 'UNLISTED' ? 'UNLISTED' : `${asText(c.scheme)}:${asText(c.code)}`))),
  ]);
}

function parties(r: JsonObject): string {
  return join(
    objects(r.parties).map((e) => {
      const names = isJsonObject(e.party) ? objects(e.party.names) : [];
      const primary = names.find((n) => n.type === 'PRIMARY') ?? names[0];
      return `${asText(e.role)}: ${str(primary?.value) ?? '(name withheld)'}`;
    }),
  );
}

export const RECORD_COLUMNS = [
  'id',
  'version',
  'type',
  'origin',
  'originator_reference',
  'status',
  'change_type',
  'tlp',
  'handling',
  'created_at',
  'updated_at',
  'kind',
  'title',
  'destination',
  'regimes',
  'list_basis',
  'control_entries',
  'parties',
  'reasons_or_red_flags',
  'review_due_on',
  'labels',
  'recalled',
];

/** The operator API's record search result (`{items}`) as CSV. */
export function recordsCsv(result: unknown, maxTlp: Tlp, exercise = false): CsvOutput {
  const out = lines(exercise);
  let text = out.header(RECORD_COLUMNS);
  let withheld = 0;
  for (const item of objects(isJsonObject(result) ? result.items : undefined)) {
    const r = isJsonObject(item.record) ? item.record : {};
    const tlp = isJsonObject(r.handling) ? r.handling.tlp : undefined;
    if (!tlpAllowed(tlp, maxTlp)) {
      withheld++;
      continue;
    }
    const denial = item.type === 'denial';
    const routing = isJsonObject(r.routing) ? r.routing : {};
    const place = isJsonObject(r.location) ? r.location.country : undefined;
    const destination = denial
      ? r.destinationCountry
      : (routing.suspectedDestination ?? routing.declaredDestination ?? place);
    text += out.row([
      str(item.id),
      Number(item.version),
      str(item.type),
      str(item.origin),
      str(r.originatorReference),
      str(item.status),
      str(r.changeType),
      asText(tlp),
      handlingText(r.handling),
      str(r.createdAt),
      str(r.updatedAt),
      str(denial ? r.decisionType : r.findingType),
      str(r.title),
      str(destination),
      join(strings(r.regimes)),
      str(r.listBasis),
      controls(r),
      parties(r),
      join(strings(denial ? r.reasons : r.redFlags)),
      str(r.reviewDueOn),
      join(strings(item.labels)),
      item.recalled === true,
    ]);
  }
  return { text, withheld };
}

export const SCREENING_COLUMNS = [
  'row',
  'input',
  'input_role',
  'input_name',
  'input_country',
  'score',
  'matched_name',
  'matched_name_type',
  'target',
  'source',
  'record_id',
  'origin',
  'record_type',
  'party_role',
  'status',
  'active',
  'recalled',
  'list',
  'list_ref',
  'name_score',
  'country_evidence',
  'identifier_evidence',
  'dismissed_by',
  'linked_from',
  'essentially_identical',
  'control',
  'destination',
  'labels',
];

function hitCells(
  input: number,
  role: string | undefined,
  name: string | undefined,
  country: string | undefined,
  h: JsonObject,
): Cell[] {
  const s = isJsonObject(h.source) ? h.source : {};
  const x = isJsonObject(h.explanation) ? h.explanation : {};
  const record = s.kind === 'record';
  return [
    'hit',
    input,
    role,
    name,
    country,
    Number(h.score),
    str(h.matchedName),
    str(h.matchedNameType),
    str(h.target),
    str(s.kind),
    record ? str(s.id) : undefined,
    str(s.origin),
    str(s.type),
    str(s.role),
    str(s.status),
    record ? s.active === true : undefined,
    record ? s.recalled === true : undefined,
    str(s.list),
    str(s.ref),
    typeof x.name === 'number' ? x.name : undefined,
    str(x.country),
    str(x.identifier),
    // the viewer's own dismissal first, then other tokens' (a label: those hits still alert)
    [isJsonObject(h.dismissed) ? str(h.dismissed.by) : undefined, ...objects(h.dismissedBy).map((d) => str(d.by))]
      .filter(Boolean)
      .join(' ') || undefined,
    str(h.linkedFrom),
    undefined,
    undefined,
    undefined,
    Array.isArray(s.labels) ? s.labels.map((l) => asText(l)).join(' ') || undefined : undefined,
  ];
}

/**
 * The operator API's screening result as CSV: `{results: [{input, hits}]}` for parties, or
 * `{parties: [{role, name, hits}], candidates}` for a licence application.
 */
export function screeningCsv(
  result: unknown,
  maxTlp: Tlp,
  tlpOf: (recordId: string) => string | undefined,
  exercise = false,
): CsvOutput {
  const out = lines(exercise);
  let text = out.header(SCREENING_COLUMNS);
  let withheld = 0;
  const r = isJsonObject(result) ? result : {};
  const visible = (h: JsonObject) => {
    const s = isJsonObject(h.source) ? h.source : {};
    if (s.kind !== 'record') return true;
    if (tlpAllowed(tlpOf(asText(s.id)), maxTlp)) return true;
    withheld++;
    return false;
  };
  objects(r.results).forEach((res, i) => {
    const input = isJsonObject(res.input) ? res.input : {};
    for (const h of objects(res.hits).filter(visible))
      text += out.row(hitCells(i, undefined, str(input.name), str(input.country), h));
  });
  objects(r.parties).forEach((p, i) => {
    for (const h of objects(p.hits).filter(visible))
      text += out.row(hitCells(i, str(p.role), str(p.name), undefined, h));
  });
  for (const c of objects(r.candidates)) {
    const d = isJsonObject(c.denial) ? c.denial : {};
    if (!tlpAllowed(tlpOf(asText(d.id)), maxTlp)) {
      withheld++;
      continue;
    }
    const party = isJsonObject(c.party) ? c.party : {};
    text += out.row([
      'candidate',
      undefined,
      str(party.applicationRole),
      str(party.applicationName),
      undefined,
      Number(c.score),
      str(party.matchedName),
      undefined,
      undefined,
      'record',
      str(d.id),
      str(d.origin),
      'denial',
      str(party.denialRole),
      str(d.status),
      undefined,
      undefined,
      undefined,
      undefined,
      typeof party.score === 'number' ? party.score : undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      c.essentiallyIdentical === true,
      str(c.control),
      str(c.destination),
      strings(d.labels).join(' ') || undefined,
    ]);
  }
  return { text, withheld };
}
