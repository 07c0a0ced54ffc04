// One version of a denial or finding as STIX 2.1 objects (docs/stix-mapping.md): the record as an
// entente-denial or entente-finding object (extension definitions in stix-static.ts), its parties
// as identities, destinations, routes and addresses as locations, relationships between them, the
// originator's handling flags as a statement marking, and a report grouping the version. Ids are
// UUIDv5 of the record id, so a re-export names the same objects and a later version is a later
// STIX version of them. What redaction removed is absent. Pure.
import { isTerminal } from '../domain/record-rules.js';
import { base, countryLocation, partyObjects, partyOf, relationship, type VersionContext } from './stix-parties.js';
import {
  DENIAL_EXTENSION,
  EXERCISE_MARKING_ID,
  FINDING_EXTENSION,
  isTlp,
  nodeIdentityId,
  tlpMarkingId,
  type JsonValue,
  type StixObject,
} from './stix-static.js';
import {
  camelKeys,
  isJsonObject,
  objects,
  recordTimestamp,
  snakeKeys,
  str,
  stixTimestamp,
  strings,
  unique,
  type JsonObject,
} from './stix-util.js';
import { stixId } from './uuid5.js';
import { asText } from '../domain/text.js';

export type RecordKind = 'denial' | 'finding';

export interface RecordVersionInput {
  type: RecordKind;
  /** The version as the node holds it (for a received record: as released, after redaction). */
  record: JsonObject;
  /** Held by an exercise node (docs/protocol.md §14.5): every object carries the EXERCISE marking. */
  exercise?: boolean;
}

export function recordObjectType(type: RecordKind): string {
  return `entente-${type}`;
}

export function recordObjectId(type: RecordKind, recordId: string): string {
  return stixId(recordObjectType(type), recordId);
}

export function reportId(recordId: string): string {
  return stixId('report', `${recordId}#report`);
}

const FLAGS: [string, string][] = [
  ['noOnwardSharing', 'no onward sharing'],
  ['noEvidentialUseWithoutConsent', "no evidential use without the originator's consent"],
  ['noDowngradeWithoutConsent', "no downgrade without the originator's consent"],
];

/** The originator's handling flags in words (the statement of the handling marking). */
export function handlingStatement(record: JsonObject): string {
  const h = isJsonObject(record.handling) ? record.handling : {};
  const oc = isJsonObject(h.originatorControl) ? h.originatorControl : {};
  const parts = FLAGS.filter(([k]) => oc[k] === true).map(([, words]) => words);
  if (typeof oc.purposeLimitation === 'string') parts.push(`purpose limited to: ${oc.purposeLimitation}`);
  const origin = str(record.originatorNodeId) ?? '?';
  const rules = parts.length ? parts.join('; ') : 'no originator restrictions beyond TLP';
  return `Entente handling set by ${origin} for ${asText(record.id)} version ${asText(record.version)}: ${rules}.`;
}

function handlingMarking(ctx: VersionContext, record: JsonObject): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: stixId('marking-definition', `${ctx.recordId}#handling@${asText(record.version)}`),
    created_by_ref: ctx.creator,
    created: ctx.modified,
    name: 'Entente originator handling',
    definition_type: 'statement',
    definition: { statement: handlingStatement(record) },
  };
}

function controlLabel(ref: JsonObject): string {
  return ref.scheme === 'UNLISTED' ? 'control:UNLISTED' : `control:${asText(ref.scheme)}:${asText(ref.code)}`;
}

function itemLine(it: JsonObject): string {
  const refs = objects(it.controlRefs).map((r) =>
    r.scheme === 'UNLISTED' ? 'UNLISTED' : `${asText(r.scheme)} ${asText(r.code)}`,
  );
  return `${asText(it.lineNo)}. ${refs.join(', ')}: ${str(it.description) ?? '(description withheld)'}`;
}

function reportText(type: RecordKind, r: JsonObject): { name: string; description: string; labels: string[] } {
  const items = objects(r.items);
  const tlp = isJsonObject(r.handling) ? asText(r.handling.tlp) : '?';
  const origin = `${asText(r.originatorCountry)} (${asText(r.originatorNodeId)})`;
  const lines =
    type === 'denial'
      ? [
          `${asText(r.decisionType)} by ${origin}, decided ${asText(r.decisionDate)}; status ${asText(r.status)}.`,
          `Destination ${asText(r.destinationCountry)}` +
            (strings(r.transitCountries).length ? `; transit ${strings(r.transitCountries).join(', ')}.` : '.'),
          `Regimes ${strings(r.regimes).join(', ')}; list basis ${asText(r.listBasis)}.`,
          ...(strings(r.reasons).length ? [`Reasons ${strings(r.reasons).join(', ')}.`] : []),
        ]
      : [
          `${asText(r.findingType)} reported by ${origin}; status ${asText(r.status)}.`,
          ...(str(r.summary) ? [asText(r.summary)] : []),
        ];
  if (items.length) lines.push('Items:', ...items.map(itemLine));
  lines.push(`TLP:${tlp}. ${handlingStatement(r)}`);
  const destination = type === 'denial' ? str(r.destinationCountry) : undefined;
  const labels = unique([
    'entente',
    recordObjectType(type),
    `status:${asText(r.status).toLowerCase()}`,
    `tlp:${tlp.toLowerCase()}`,
    ...strings(r.regimes).map((x) => `regime:${x}`),
    ...(destination ? [`destination:${destination}`] : []),
    ...items.flatMap((it) => objects(it.controlRefs).map(controlLabel)),
  ]);
  const kind = type === 'denial' ? 'Export-control denial' : 'Enforcement finding';
  const title = type === 'finding' && str(r.title) ? `: ${asText(r.title)}` : '';
  return { name: `${kind} ${asText(r.originatorReference)}${title}`, description: lines.join('\n'), labels };
}

/** Record-level places: destination and transit (denial), place and routing (finding). */
function placeObjects(ctx: VersionContext, type: RecordKind, r: JsonObject, source: string): StixObject[] {
  const out: StixObject[] = [];
  const locs = new Map<string, StixObject>();
  const link = (country: string | undefined, rel: string, extra: JsonObject = {}) => {
    if (!country) return;
    const loc = countryLocation(ctx, country, extra);
    if (!locs.has(loc.id)) locs.set(loc.id, loc);
    out.push(relationship(ctx, rel, source, loc.id));
  };
  if (type === 'denial') {
    link(str(r.destinationCountry), 'has-destination');
    for (const c of strings(r.transitCountries)) link(c, 'transits');
  } else {
    if (isJsonObject(r.location)) {
      const un = str(r.location.unLocode);
      link(str(r.location.country), 'located-at', un ? { description: `UN/LOCODE ${un}` } : {});
    }
    const routing = isJsonObject(r.routing) ? r.routing : {};
    link(str(routing.origin), 'originates-from');
    for (const c of strings(routing.transit)) link(c, 'transits');
    link(str(routing.declaredDestination), 'has-declared-destination');
    link(str(routing.suspectedDestination), 'has-suspected-destination');
  }
  for (const [key, kind] of [
    ['relatedDenials', 'denial'],
    ['relatedFindings', 'finding'],
  ] as const) {
    for (const rid of strings(r[key])) out.push(relationship(ctx, 'related-to', source, recordObjectId(kind, rid)));
  }
  return [...locs.values(), ...out];
}

/** The STIX objects of one record version, in a fixed order: marking, record, parties, places, report. */
export function toStix(v: RecordVersionInput): StixObject[] {
  const r = v.record;
  const recordId = asText(r.id);
  const tlp = isJsonObject(r.handling) ? r.handling.tlp : undefined;
  if (!isTlp(tlp)) throw new Error(`${recordId} has no TLP`);
  const ctx: VersionContext = {
    recordId,
    created: stixTimestamp(asText(r.createdAt)),
    modified: stixTimestamp(asText(r.updatedAt)),
    creator: nodeIdentityId(asText(r.originatorNodeId)),
    markings: [],
    revoked: isTerminal(v.type, r.status),
  };
  const marking = handlingMarking(ctx, r);
  ctx.markings = [tlpMarkingId(tlp), marking.id, ...(v.exercise ? [EXERCISE_MARKING_ID] : [])];
  const id = recordObjectId(v.type, recordId);
  const parties = partyObjects(ctx, id, r.parties);
  const { id: _id, version, createdAt: _c, updatedAt: _u, parties: _p, ...members } = r;
  const references: JsonObject[] = [
    { source_name: 'entente', external_id: recordId },
    { source_name: `${asText(r.originatorCountry)} reference`, external_id: asText(r.originatorReference) },
  ];
  if (typeof r.publicSourceUrl === 'string') references.push({ source_name: 'public source', url: r.publicSourceUrl });
  const text = reportText(v.type, r);
  if (v.exercise) {
    text.name = `EXERCISE: ${text.name}`;
    text.labels.push('exercise');
  }
  const record: StixObject = {
    ...base(ctx, recordObjectType(v.type), id),
    name: text.name,
    external_references: references,
    extensions: { [v.type === 'denial' ? DENIAL_EXTENSION : FINDING_EXTENSION]: { extension_type: 'new-sdo' } },
    record_id: recordId,
    record_version: version ?? 0,
    ...(snakeKeys(members) as JsonObject),
    ...(parties.identities.length ? { party_refs: parties.identities.map((x) => x.id) } : {}),
  };
  const places = placeObjects(ctx, v.type, r, id);
  const grouped = [record, ...parties.identities, ...parties.locations, ...parties.relationships, ...places];
  const report: StixObject = {
    ...base(ctx, 'report', reportId(recordId)),
    name: text.name,
    description: text.description,
    report_types: [v.type === 'denial' ? 'export-control-denial' : 'enforcement-finding'],
    published: ctx.modified,
    labels: text.labels,
    external_references: [references[0]!],
    object_refs: grouped.map((x) => x.id),
  };
  return [marking, ...grouped, report];
}

const STIX_MEMBERS = new Set([
  'type',
  'spec_version',
  'id',
  'created_by_ref',
  'created',
  'modified',
  'revoked',
  'object_marking_refs',
  'extensions',
  'name',
  'external_references',
  'record_id',
  'record_version',
  'party_refs',
]);

/**
 * The record version back from the objects toStix() made of it: what an analyst's tool received is
 * what the node holds (empty lists, which STIX does not allow, are absent).
 */
export function fromStix(all: StixObject[], type: RecordKind): JsonObject {
  const o = all.find((x) => x.type === recordObjectType(type));
  if (!o) throw new Error(`no ${recordObjectType(type)} object`);
  const byId = new Map(all.map((x) => [x.id, x]));
  const members: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (!STIX_MEMBERS.has(k)) members[k] = v;
  const record = camelKeys(members) as JsonObject;
  for (const it of objects(record.items)) {
    for (const ref of objects(it.controlRefs)) if (ref.scheme === 'UNLISTED' && !('code' in ref)) ref.code = null;
  }
  const parties = strings(o.party_refs).map((pid) => {
    const p = byId.get(pid) ? partyOf(byId.get(pid)!) : null;
    if (!p) throw new Error(`party ${pid} is missing`);
    return { role: p.role, party: camelKeys(p.party) };
  });
  const out: JsonObject = {
    ...record,
    id: asText(o.record_id),
    version: o.record_version as JsonValue,
    createdAt: recordTimestamp(asText(o.created)),
    updatedAt: recordTimestamp(asText(o.modified)),
  };
  if (parties.length) out.parties = parties;
  return out;
}
