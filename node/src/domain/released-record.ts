// Receiver checks 13 and 14 of docs/protocol.md §6.7 for a `record` release: schema and domain rules
// (redaction-aware), then TLP. Returns the quarantine reason, or null when the record is accepted.
import { validateRecord, type RecordCheckOptions } from './record-rules.js';
import type { ValidationError } from './validation.js';

export interface ReleasedRecordVerdict {
  reason: string | null;
  errors: ValidationError[];
}

export function checkReleasedRecord(
  record: unknown,
  redacted: readonly unknown[],
  countryOf?: RecordCheckOptions['countryOf'],
  encodingChecked = false,
): ReleasedRecordVerdict {
  const errors = validateRecord(record, { redacted, encodingChecked, ...(countryOf ? { countryOf } : {}) });
  if (errors.length > 0) return { reason: `schema:${errors[0]!.pointer}`, errors };
  const tlp = (record as { handling?: { tlp?: unknown } }).handling?.tlp;
  if (tlp === 'RED')
    return {
      reason: 'tlp-red',
      errors: [{ pointer: '/handling/tlp', rule: 'tlp-red', message: 'TLP:RED is never released' }],
    };
  return { reason: null, errors: [] };
}
