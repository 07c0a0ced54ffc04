// A licence application as a form: what screening checks for an essentially identical transaction,
// and the `proposedTransaction` of a consultation REQUEST (docs/records.md §9).
import { ITEMS, PARTIES } from './records.js';
import type { FieldSpec } from './spec.js';

export const TRANSACTION_FIELDS: FieldSpec[] = [
  { kind: 'text', name: 'applicationReference', label: 'Application reference', required: true },
  {
    kind: 'text',
    name: 'destinationCountry',
    label: 'Destination country',
    hint: 'ISO 3166-1 alpha-2, e.g. AE',
    required: true,
  },
  ITEMS(1, false),
  PARTIES(1),
  { kind: 'textarea', name: 'statedEndUse', label: 'Stated end use' },
  {
    kind: 'select',
    name: 'exporterDisclosure',
    label: 'Exporter disclosure',
    options: ['INCLUDED', 'WITHHELD'],
    required: true,
  },
];

export const TRANSACTION_STARTER = {
  exporterDisclosure: 'WITHHELD',
  items: [{ lineNo: 1, controlRefs: [{}] }],
  parties: [
    { role: 'CONSIGNEE', party: { kind: 'COMPANY', names: [{ type: 'PRIMARY' }] } },
    { role: 'END_USER', party: { kind: 'COMPANY', names: [{ type: 'PRIMARY' }] } },
  ],
};
