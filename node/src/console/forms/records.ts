// The denial and finding forms: every member of docs/records.md §3–§7 a person may write (the node assigns
// the envelope), named as the record names them so the node's error pointers land on the field.
import type { Json } from '../../domain/validation.js';
import type { FieldSpec } from './spec.js';
import {
  TLPS,
  REGIMES,
  DECISION_TYPES,
  LIST_BASES,
  REASONS,
  PARTY_ROLES,
  PARTY_KINDS,
  NAME_TYPES,
  ID_SCHEMES,
  CONTROL_SCHEMES,
  COMMODITY_SCHEMES,
  FINDING_TYPES,
  RED_FLAGS,
  PENALTY_KINDS,
  MODES,
} from './codes.js';

const COUNTRY_HINT = 'ISO 3166-1 alpha-2, e.g. AE';
const LIST_HINT = 'codes separated by commas';

export const HANDLING: FieldSpec = {
  kind: 'group',
  name: 'handling',
  label: 'Handling',
  hint: 'Shown above the record wherever it is read; TLP:RED never leaves this node.',
  fields: [
    { kind: 'select', name: 'tlp', label: 'TLP', options: TLPS, required: true },
    {
      kind: 'group',
      name: 'originatorControl',
      label: 'Originator control',
      fields: [
        { kind: 'bool', name: 'noOnwardSharing', label: 'No onward sharing' },
        { kind: 'bool', name: 'noEvidentialUseWithoutConsent', label: 'No evidential use without consent' },
        { kind: 'bool', name: 'noDowngradeWithoutConsent', label: 'No downgrade without consent' },
        { kind: 'text', name: 'purposeLimitation', more: true, label: 'Purpose limitation' },
      ],
    },
  ],
};

/**
 * Rapid escalation (docs/protocol.md §14.2): set per version, so an amendment keeps the alert only if
 * it is left filled in; empty, the record is routine.
 */
export const ALERT: FieldSpec = {
  kind: 'group',
  name: 'alert',
  label: 'Alert to partners',
  hint: 'Leave empty for a routine record. FLASH goes to every partner the agreements allow at once, ahead of routine traffic and ignoring any embargo; PRIORITY goes ahead of routine traffic. Partners acknowledge it. A later version without an alert ends the escalation.',
  fields: [
    { kind: 'select', name: 'level', label: 'Level', options: ['PRIORITY', 'FLASH'] },
    {
      kind: 'textarea',
      name: 'actionRequested',
      label: 'Action requested',
      hint: 'what you ask allies to do, e.g. detain shipment on arrival',
      rows: 2,
    },
    {
      kind: 'text',
      name: 'expiresAt',
      label: 'Expires at',
      hint: 'optional: a UTC time such as 2027-01-31T18:00:00Z; the alert is shown until then or until acknowledged',
    },
  ],
};

const money = (name: string, label: string, more = false): FieldSpec => ({
  kind: 'group',
  more,
  name,
  label,
  fields: [
    { kind: 'text', name: 'amount', label: 'Amount', hint: 'a decimal, e.g. 125000.00' },
    { kind: 'text', name: 'currency', label: 'Currency', hint: 'ISO 4217, e.g. EUR' },
  ],
});

const commodityCodes: FieldSpec = {
  kind: 'repeat',
  more: true,
  name: 'commodityCodes',
  label: 'Commodity codes',
  itemLabel: 'Commodity code',
  item: [
    { kind: 'select', name: 'scheme', label: 'Scheme', options: COMMODITY_SCHEMES },
    { kind: 'text', name: 'code', label: 'Code' },
  ],
};

/** UNLISTED carries `code: null` (records-v1 I1). */
function controlRefFinish(o: Record<string, Json>): void {
  if (o.scheme === 'UNLISTED' && o.code === undefined) o.code = null;
}

export function itemFields(withDeclaredAs: boolean): FieldSpec[] {
  const fields: FieldSpec[] = [
    { kind: 'int', name: 'lineNo', label: 'Line number', required: true },
    {
      kind: 'repeat',
      name: 'controlRefs',
      label: 'Control-list references',
      itemLabel: 'Reference',
      min: 1,
      finish: controlRefFinish,
      item: [
        { kind: 'select', name: 'scheme', label: 'Scheme', options: CONTROL_SCHEMES },
        { kind: 'text', name: 'code', label: 'Code', hint: 'e.g. 3A001.a.2; empty for UNLISTED' },
      ],
    },
    { kind: 'textarea', name: 'description', label: 'Description', required: true },
    { kind: 'textarea', name: 'technicalParameters', label: 'Technical parameters' },
    { kind: 'text', name: 'manufacturer', more: true, label: 'Manufacturer', dirAuto: true },
    { kind: 'text', name: 'model', more: true, label: 'Model' },
    { kind: 'text', name: 'partNumber', more: true, label: 'Part number' },
    { kind: 'text', name: 'casNumber', more: true, label: 'CAS number' },
    commodityCodes,
    {
      kind: 'group',
      more: true,
      name: 'quantity',
      label: 'Quantity',
      fields: [
        { kind: 'text', name: 'value', label: 'Value', hint: 'a decimal' },
        { kind: 'text', name: 'unit', label: 'Unit', hint: 'UN/CEFACT code, e.g. C62 pieces, KGM kg' },
      ],
    },
    money('value', 'Value', true),
  ];
  if (withDeclaredAs) {
    fields.push({
      kind: 'group',
      more: true,
      name: 'declaredAs',
      label: 'Declared as',
      fields: [
        { kind: 'text', name: 'description', label: 'Declared description' },
        {
          kind: 'group',
          name: 'commodityCode',
          label: 'Declared commodity code',
          fields: [
            { kind: 'select', name: 'scheme', label: 'Scheme', options: COMMODITY_SCHEMES },
            { kind: 'text', name: 'code', label: 'Code' },
          ],
        },
      ],
    });
  }
  return fields;
}

export const PARTY_ITEM: FieldSpec[] = [
  { kind: 'select', name: 'role', label: 'Role', options: PARTY_ROLES, required: true },
  {
    kind: 'group',
    name: 'party',
    label: 'Party',
    fields: [
      { kind: 'select', name: 'kind', label: 'Kind', options: PARTY_KINDS, required: true },
      {
        kind: 'repeat',
        name: 'names',
        label: 'Names',
        hint: 'Exactly one PRIMARY; names in any script, each with its script (e.g. Arab, Hans, Cyrl) when known.',
        itemLabel: 'Name',
        min: 1,
        item: [
          { kind: 'text', name: 'value', label: 'Name', dirAuto: true, required: true },
          { kind: 'select', name: 'type', label: 'Type', options: NAME_TYPES, required: true },
          { kind: 'text', name: 'script', label: 'Script', hint: 'ISO 15924, e.g. Latn, Arab, Hans' },
          { kind: 'text', name: 'lang', label: 'Language', hint: 'BCP 47, e.g. ar, zh-Hans' },
        ],
      },
      {
        kind: 'repeat',
        name: 'addresses',
        label: 'Addresses',
        itemLabel: 'Address',
        item: [
          { kind: 'text', name: 'full', label: 'Full address', dirAuto: true },
          { kind: 'text', name: 'street', label: 'Street', dirAuto: true },
          { kind: 'text', name: 'city', label: 'City', dirAuto: true },
          { kind: 'text', name: 'postalCode', label: 'Postal code' },
          { kind: 'text', name: 'region', label: 'Region', dirAuto: true },
          { kind: 'text', name: 'country', label: 'Country', hint: COUNTRY_HINT, required: true },
          { kind: 'text', name: 'remarks', label: 'Remarks', dirAuto: true },
        ],
      },
      {
        kind: 'repeat',
        name: 'identifiers',
        label: 'Identifiers',
        itemLabel: 'Identifier',
        item: [
          { kind: 'select', name: 'scheme', label: 'Scheme', options: ID_SCHEMES },
          { kind: 'text', name: 'value', label: 'Value' },
          { kind: 'text', name: 'issuingCountry', label: 'Issuing country', hint: COUNTRY_HINT },
        ],
      },
      { kind: 'list', name: 'countries', more: true, label: 'Associated countries', hint: LIST_HINT },
      {
        kind: 'list',
        name: 'birthDates',
        more: true,
        label: 'Birth dates (persons)',
        hint: 'YYYY, YYYY-MM or YYYY-MM-DD, comma-separated',
      },
      { kind: 'list', name: 'nationalities', more: true, label: 'Nationalities (persons)', hint: LIST_HINT },
      { kind: 'textarea', name: 'notes', more: true, label: 'Notes' },
    ],
  },
];

export const PARTIES = (min: number): FieldSpec => ({
  kind: 'repeat',
  name: 'parties',
  label: 'Parties',
  itemLabel: 'Party',
  min,
  item: PARTY_ITEM,
});

export const ITEMS = (min: number, declaredAs: boolean): FieldSpec => ({
  kind: 'repeat',
  name: 'items',
  label: 'Items',
  itemLabel: 'Item',
  min,
  item: itemFields(declaredAs),
});

export const DENIAL_FIELDS: FieldSpec[] = [
  { kind: 'text', name: 'originatorReference', label: 'National reference', required: true, fixedOnAmend: true },
  HANDLING,
  ALERT,
  {
    kind: 'select',
    name: 'decisionType',
    label: 'Decision type',
    options: DECISION_TYPES,
    required: true,
    fixedOnAmend: true,
  },
  { kind: 'checks', name: 'regimes', label: 'Regimes', options: REGIMES, required: true },
  {
    kind: 'select',
    name: 'waTier',
    label: 'Wassenaar tier',
    options: ['BASIC', 'SENSITIVE', 'VERY_SENSITIVE'],
    hint: 'required when WA is a regime',
  },
  { kind: 'select', name: 'listBasis', label: 'List basis', options: LIST_BASES, required: true },
  { kind: 'text', name: 'legalBasis', more: true, label: 'Legal basis' },
  { kind: 'date', name: 'decisionDate', label: 'Decision date', required: true },
  {
    kind: 'text',
    name: 'notifiedAt',
    more: true,
    label: 'First notified at',
    hint: 'filled by the node when empty',
    fixedOnAmend: true,
  },
  {
    kind: 'date',
    name: 'reviewDueOn',
    more: true,
    label: 'Review due on',
    hint: 'decision date + 3 years when empty',
    fixedOnAmend: true,
  },
  {
    kind: 'group',
    more: true,
    name: 'suspension',
    label: 'Suspension',
    fields: [{ kind: 'date', name: 'finalAssessmentDue', label: 'Final assessment due' }],
  },
  { kind: 'text', name: 'destinationCountry', label: 'Destination country', hint: COUNTRY_HINT, required: true },
  { kind: 'list', name: 'transitCountries', more: true, label: 'Transit countries', hint: LIST_HINT },
  ITEMS(1, false),
  PARTIES(1),
  { kind: 'textarea', name: 'statedEndUse', more: true, label: 'Stated end use' },
  { kind: 'checks', name: 'reasons', label: 'Reasons', options: REASONS, required: true },
  { kind: 'textarea', name: 'reasonNarrative', label: 'Reason narrative', hint: 'required with OTHER', rows: 4 },
  {
    kind: 'select',
    name: 'exporterDisclosure',
    label: 'Exporter disclosure',
    options: ['INCLUDED', 'WITHHELD', 'ON_REQUEST'],
    required: true,
  },
  {
    kind: 'group',
    more: true,
    name: 'pointOfContact',
    label: 'Point of contact',
    fields: [
      { kind: 'text', name: 'unit', label: 'Unit' },
      { kind: 'text', name: 'email', label: 'Email' },
      { kind: 'text', name: 'phone', label: 'Phone', hint: 'E.164, e.g. +31701234567' },
    ],
  },
  { kind: 'list', name: 'relatedDenials', more: true, label: 'Related denials', hint: 'record ids, comma-separated' },
];

export const FINDING_FIELDS: FieldSpec[] = [
  { kind: 'text', name: 'originatorReference', label: 'National reference', required: true, fixedOnAmend: true },
  HANDLING,
  ALERT,
  { kind: 'select', name: 'findingType', label: 'Finding type', options: FINDING_TYPES, required: true },
  {
    kind: 'select',
    name: 'status',
    label: 'Status',
    options: ['OPEN', 'UNDER_INVESTIGATION', 'ADJUDICATED', 'UNDER_APPEAL', 'CLOSED'],
    fixedOnAmend: true,
  },
  { kind: 'text', name: 'title', label: 'Title', required: true, dirAuto: true },
  { kind: 'textarea', name: 'summary', label: 'Summary', required: true, rows: 6 },
  { kind: 'text', name: 'observedOn', more: true, label: 'Observed on', hint: 'YYYY, YYYY-MM or YYYY-MM-DD' },
  {
    kind: 'text',
    name: 'reportedAt',
    more: true,
    label: 'First reported at',
    hint: 'filled by the node when empty',
    fixedOnAmend: true,
  },
  {
    kind: 'group',
    name: 'location',
    label: 'Location',
    fields: [
      { kind: 'text', name: 'country', label: 'Country', hint: COUNTRY_HINT },
      { kind: 'text', name: 'unLocode', label: 'UN/LOCODE', hint: 'e.g. NLRTM' },
    ],
  },
  {
    kind: 'group',
    name: 'routing',
    label: 'Routing',
    fields: [
      { kind: 'text', name: 'origin', label: 'Origin', hint: COUNTRY_HINT },
      { kind: 'list', name: 'transit', label: 'Transit', hint: LIST_HINT },
      { kind: 'text', name: 'declaredDestination', label: 'Declared destination', hint: COUNTRY_HINT },
      { kind: 'text', name: 'suspectedDestination', label: 'Suspected destination', hint: COUNTRY_HINT },
    ],
  },
  {
    kind: 'group',
    name: 'conveyance',
    label: 'Conveyance',
    fields: [
      { kind: 'select', name: 'mode', label: 'Mode', options: MODES },
      { kind: 'text', name: 'vesselImo', label: 'Vessel IMO' },
      { kind: 'text', name: 'flight', label: 'Flight' },
      { kind: 'lines', name: 'transportDocRefs', label: 'Transport documents', hint: 'one per line' },
    ],
  },
  ITEMS(0, true),
  PARTIES(0),
  { kind: 'checks', name: 'redFlags', label: 'Red flags', options: RED_FLAGS },
  { kind: 'textarea', name: 'redFlagNotes', label: 'Red flag notes', hint: 'required with OTHER' },
  {
    kind: 'group',
    name: 'penalty',
    label: 'Penalty',
    fields: [
      { kind: 'select', name: 'kind', label: 'Kind', options: PENALTY_KINDS },
      money('amount', 'Amount'),
      { kind: 'int', name: 'termMonths', label: 'Term (months)' },
      { kind: 'date', name: 'imposedOn', label: 'Imposed on' },
    ],
  },
  { kind: 'text', name: 'legalReference', label: 'Legal reference' },
  { kind: 'text', name: 'publicSourceUrl', label: 'Public source URL', hint: 'https://…; required for TLP:CLEAR' },
  { kind: 'list', name: 'relatedDenials', more: true, label: 'Related denials', hint: 'record ids, comma-separated' },
  { kind: 'list', name: 'relatedFindings', more: true, label: 'Related findings', hint: 'record ids, comma-separated' },
];

export function recordFields(type: 'denial' | 'finding'): FieldSpec[] {
  return type === 'denial' ? DENIAL_FIELDS : FINDING_FIELDS;
}
