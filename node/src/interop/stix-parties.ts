// Parties as STIX identities (every name, identifiers as external references, the party as the
// record states it in the entente-party extension), their addresses and the record's countries as
// locations, and the relationships between them. Pure.
import { canonicalString } from '../crypto/canonical.js';
import { PARTY_EXTENSION, type JsonValue, type StixObject } from './stix-static.js';
import { isJsonObject, kebab, objects, snakeKeys, str, type JsonObject } from './stix-util.js';
import { stixId } from './uuid5.js';
import { asText } from '../domain/text.js';

/** What every object made from one record version shares. */
export interface VersionContext {
  recordId: string;
  created: string;
  modified: string;
  creator: string;
  markings: string[];
  revoked: boolean;
}

export function base(ctx: VersionContext, type: string, id: string): StixObject {
  return {
    type,
    spec_version: '2.1',
    id,
    created_by_ref: ctx.creator,
    created: ctx.created,
    modified: ctx.modified,
    ...(ctx.revoked ? { revoked: true } : {}),
    object_marking_refs: ctx.markings,
  };
}

export function relationship(
  ctx: VersionContext,
  type: string,
  source: string,
  target: string,
  description?: string,
): StixObject {
  return {
    ...base(ctx, 'relationship', stixId('relationship', `${ctx.recordId}#rel:${type}:${source}:${target}`)),
    relationship_type: type,
    source_ref: source,
    target_ref: target,
    ...(description ? { description } : {}),
  };
}

const IDENTITY_CLASS: Record<string, string> = {
  PERSON: 'individual',
  ORGANIZATION: 'organization',
  COMPANY: 'organization',
  LEGAL_ENTITY: 'unknown',
  VESSEL: 'unknown',
  AIRCRAFT: 'unknown',
};

/** A country-level location of the record (destination, transit, origin …), one per country. */
export function countryLocation(ctx: VersionContext, country: string, extra: JsonObject = {}): StixObject {
  const key = extra.description ? `${country}:${asText(extra.description)}` : country;
  return {
    ...base(ctx, 'location', stixId('location', `${ctx.recordId}#country:${key}`)),
    name: country,
    country,
    ...extra,
  };
}

function addressLocation(ctx: VersionContext, partyKey: string, a: JsonObject): StixObject | null {
  const country = str(a.country);
  if (!country) return null;
  const name = str(a.full) ?? [a.street, a.city, a.postalCode].filter((x) => typeof x === 'string').join(', ');
  const put = (from: string, to: string) => (typeof a[from] === 'string' ? { [to]: a[from] } : {});
  return {
    ...base(ctx, 'location', stixId('location', `${partyKey}#address:${canonicalString(a)}`)),
    name: name || country,
    country,
    ...put('city', 'city'),
    ...put('street', 'street_address'),
    ...put('postalCode', 'postal_code'),
    ...put('region', 'administrative_area'),
    ...put('remarks', 'description'),
  };
}

function nameLine(n: JsonObject): string {
  const tags = [n.type, n.script, n.lang].filter((x) => typeof x === 'string').join(', ');
  return `${asText(n.value)} (${tags})`;
}

/** A value STIX's external-reference schema would read as a CVE or CAPEC id goes in the description. */
function externalReference(i: JsonObject): JsonObject {
  const value = asText(i.value);
  const issued = typeof i.issuingCountry === 'string' ? `issued by ${i.issuingCountry}` : undefined;
  if (/^(CVE-\d{4}-|CAPEC-\d+$)/.test(value)) {
    return { source_name: asText(i.scheme), description: [value, issued].filter(Boolean).join(', ') };
  }
  return { source_name: asText(i.scheme), external_id: value, ...(issued ? { description: issued } : {}) };
}

export interface PartyObjects {
  /** The identities in the order of the record's parties. */
  identities: StixObject[];
  locations: StixObject[];
  relationships: StixObject[];
}

/** The record's parties (whatever redaction left of them) as identities with their addresses. */
export function partyObjects(
  ctx: VersionContext,
  recordObjectId: string,
  parties: JsonValue | undefined,
): PartyObjects {
  const out: PartyObjects = { identities: [], locations: [], relationships: [] };
  const seen = new Map<string, number>();
  const locationIds = new Set<string>();
  objects(parties).forEach((entry, i) => {
    const party = isJsonObject(entry.party) ? entry.party : {};
    const role = str(entry.role) ?? 'OTHER';
    const kind = str(party.kind) ?? 'LEGAL_ENTITY';
    const names = objects(party.names);
    const primary = names.find((n) => n.type === 'PRIMARY') ?? names[0];
    const primaryName = str(primary?.value);
    // the same role, kind and primary name in one record: numbered in order
    const stem = `${ctx.recordId}#party:${role}:${kind}:${primaryName ?? `#${i}`}`;
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    const key = n === 1 ? stem : `${stem}:${n}`;
    const id = stixId('identity', key);
    const others = names.filter((x) => x !== primary);
    const description = [
      others.length ? `Also known as: ${others.map(nameLine).join('; ')}.` : '',
      primary && others.length ? `Primary name: ${nameLine(primary)}.` : '',
      str(party.notes) ?? '',
    ].filter(Boolean);
    const identifiers = objects(party.identifiers);
    const ext = snakeKeys({ extension_type: 'property-extension', role, ...party });
    out.identities.push({
      ...base(ctx, 'identity', id),
      name: primaryName ?? `${role} (name withheld)`,
      identity_class: IDENTITY_CLASS[kind] ?? 'unknown',
      roles: [kebab(role)],
      ...(description.length ? { description: description.join('\n') } : {}),
      ...(identifiers.length ? { external_references: identifiers.map(externalReference) } : {}),
      extensions: { [PARTY_EXTENSION]: ext },
    });
    out.relationships.push(relationship(ctx, kebab(role), recordObjectId, id, `${role} of ${ctx.recordId}`));
    for (const a of objects(party.addresses)) {
      const loc = addressLocation(ctx, key, a);
      if (!loc || locationIds.has(loc.id)) continue;
      locationIds.add(loc.id);
      out.locations.push(loc);
      out.relationships.push(relationship(ctx, 'located-at', id, loc.id));
    }
  });
  return out;
}

/** The party an identity made by partyObjects() carries (its role and the party, docs/records.md §4). */
export function partyOf(identity: StixObject): { role: string; party: JsonObject } | null {
  const ext = isJsonObject(identity.extensions) ? identity.extensions[PARTY_EXTENSION] : undefined;
  if (!isJsonObject(ext)) return null;
  const { extension_type: _t, role, ...party } = ext;
  return { role: asText(role), party };
}
