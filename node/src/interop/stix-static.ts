// The STIX objects every export shares: the TLP 2.0 marking definitions (OASIS, well-known ids),
// the extension definitions that declare Entente's custom objects and party extension, the
// identity that authors those definitions, and the identity of a node (the creator of its
// records). Pure.
import { stixId } from './uuid5.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type StixObject = { type: string; id: string; spec_version: '2.1' } & { [k: string]: JsonValue };

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export function isTlp(v: unknown): v is Tlp {
  return typeof v === 'string' && (TLP_LEVELS as readonly string[]).includes(v);
}

/** TLP levels up to and including `max`, in order. */
export function tlpsUpTo(max: Tlp): Tlp[] {
  return TLP_LEVELS.slice(0, TLP_LEVELS.indexOf(max) + 1);
}

export function tlpAllowed(tlp: unknown, max: Tlp): boolean {
  return isTlp(tlp) && TLP_LEVELS.indexOf(tlp) <= TLP_LEVELS.indexOf(max);
}

/** The OASIS TLP 2.0 extension (cti-stix-common-objects, extension-definition-specifications/tlp-2.0). */
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP2_IDS: Record<Tlp, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export function tlpMarkingId(tlp: Tlp): string {
  return TLP2_IDS[tlp];
}

export function tlpMarking(tlp: Tlp): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp}`,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
  };
}

/** `created` and `modified` of the objects this mapping defines once (extension definitions, author). */
export const MAPPING_EPOCH = '2025-01-01T00:00:00.000Z';
const SCHEMA_BASE = 'https://entente.example/schemas/stix/';

export const AUTHOR_ID = stixId('identity', 'entente:author');

/** The EXERCISE marking of an exercise node's objects (docs/protocol.md §14.5). */
export const EXERCISE_MARKING_ID = stixId('marking-definition', 'entente:exercise');

export function exerciseMarking(): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: EXERCISE_MARKING_ID,
    created_by_ref: AUTHOR_ID,
    created: MAPPING_EPOCH,
    name: 'EXERCISE',
    definition_type: 'statement',
    definition: {
      statement: 'EXERCISE: invented data from an Entente exercise node, not for operational use.',
    },
  };
}
export const DENIAL_EXTENSION = stixId('extension-definition', 'entente:extension:entente-denial');
export const FINDING_EXTENSION = stixId('extension-definition', 'entente:extension:entente-finding');
export const PARTY_EXTENSION = stixId('extension-definition', 'entente:extension:entente-party');

export function authorIdentity(): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: AUTHOR_ID,
    created: MAPPING_EPOCH,
    modified: MAPPING_EPOCH,
    name: 'Entente',
    identity_class: 'system',
    description: 'The Entente federated node software: author of the Entente STIX extension definitions.',
  };
}

function extensionDefinition(id: string, name: string, description: string, file: string, types: string[]): StixObject {
  return {
    type: 'extension-definition',
    spec_version: '2.1',
    id,
    created_by_ref: AUTHOR_ID,
    created: MAPPING_EPOCH,
    modified: MAPPING_EPOCH,
    name,
    description,
    schema: SCHEMA_BASE + file,
    version: '1.0.0',
    extension_types: types,
  };
}

export function extensionDefinitions(): StixObject[] {
  return [
    extensionDefinition(
      DENIAL_EXTENSION,
      'Entente denial notice',
      'A new SDO, entente-denial: one version of an export-control denial notice (Entente records v1 §6).',
      'entente-denial.schema.json',
      ['new-sdo'],
    ),
    extensionDefinition(
      FINDING_EXTENSION,
      'Entente enforcement finding',
      'A new SDO, entente-finding: one version of an enforcement finding (Entente records v1 §7).',
      'entente-finding.schema.json',
      ['new-sdo'],
    ),
    extensionDefinition(
      PARTY_EXTENSION,
      'Entente party',
      'A property extension of identity: the party of a denial or finding as the record states it ' +
        '(role, kind, every name with its script and language, identifiers, addresses, dates).',
      'entente-party.schema.json',
      ['property-extension'],
    ),
  ];
}

/** The identity of a node: the creator (created_by_ref) of every object made from its records. */
export function nodeIdentityId(nodeId: string): string {
  return stixId('identity', `entente:node:${nodeId}`);
}

export function nodeIdentity(node: { nodeId: string; name: string; country: string }): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: nodeIdentityId(node.nodeId),
    created: MAPPING_EPOCH,
    modified: MAPPING_EPOCH,
    name: node.name,
    identity_class: 'organization',
    sectors: ['government-national'],
    description: `Entente node ${node.nodeId} (${node.country}): an export-control agency.`,
    external_references: [{ source_name: 'entente-node', external_id: node.nodeId }],
  };
}
