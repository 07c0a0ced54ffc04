// Every example in the design passes; every row of examples/invalid.md yields the pointer it lists.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../node/src/domain/record-rules.js';
import {
  validateConsultationMessage,
  type ConsultationCheckContext,
} from '../../node/src/domain/consultation-rules.js';
import { validateAgreement } from '../../node/src/domain/agreement-rules.js';
import { checkReleasedRecord } from '../../node/src/domain/released-record.js';
import { parsePointer } from '../../node/src/domain/pointer.js';
import type { ValidationError } from '../../node/src/domain/validation.js';

const dir = join(import.meta.dirname, '../fixtures/design');
const load = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const COUNTRIES: Record<string, string> = {
  'nl-lic-01': 'NL',
  'fi-lic-01': 'FI',
  'jp-lic-01': 'JP',
  'gb-enf-01': 'GB',
  'de-enf-01': 'DE',
};
const countryOf = (n: string) => COUNTRIES[n];
const ts = (s: string) => Date.parse(s) / 1000;
const request = load('consultation-request.json') as { consultationId: string; dueAt: string };
const known = {
  requester: 'jp-lic-01',
  responder: 'nl-lic-01',
  dueAt: request.dueAt,
  hasResponse: false,
  hasOutcome: false,
  hasWithdrawal: false,
};
const CONSULT: Record<string, ConsultationCheckContext> = {
  'consultation-request.json': { iss: 'jp-lic-01', aud: 'nl-lic-01', iat: ts('2025-10-01T01:00:00Z') },
  'consultation-extension.json': {
    iss: 'nl-lic-01',
    aud: 'jp-lic-01',
    iat: ts('2025-10-06T07:00:00Z'),
    consultation: known,
  },
  'consultation-response.json': {
    iss: 'nl-lic-01',
    aud: 'jp-lic-01',
    iat: ts('2025-10-09T08:30:00Z'),
    consultation: known,
  },
  'consultation-outcome.json': {
    iss: 'jp-lic-01',
    aud: 'nl-lic-01',
    iat: ts('2025-10-20T04:00:00Z'),
    consultation: { ...known, hasResponse: true },
  },
};
const SENDER: Record<string, string> = {
  'agreement-wide.json': 'nl-lic-01',
  'agreement-redacting.json': 'nl-lic-01',
  'agreement-findings-only.json': 'de-enf-01',
};

function check(file: string, value: unknown, redacted?: unknown[]): ValidationError[] {
  if (file.startsWith('consultation-')) {
    // the checking node looks the consultation up by its id
    const ctx = { ...CONSULT[file]! };
    if ((value as { consultationId?: unknown }).consultationId !== request.consultationId) delete ctx.consultation;
    return validateConsultationMessage(value, ctx);
  }
  if (file.startsWith('agreement-')) return validateAgreement(value, { form: 'statement', sender: SENDER[file]! });
  if (redacted) {
    const v = checkReleasedRecord(value, redacted, countryOf);
    return v.errors;
  }
  return validateRecord(value, { countryOf });
}

function setAt(root: unknown, pointer: string, value: unknown): void {
  const tokens = parsePointer(pointer);
  const last = tokens.pop()!;
  let cur = root as Record<string, unknown>;
  for (const t of tokens) cur = cur[t] as Record<string, unknown>;
  if (Array.isArray(cur)) {
    if (last === '-') cur.push(value);
    else cur[Number(last)] = value;
  } else cur[last] = value;
}

function removeAt(root: unknown, pointer: string): void {
  const tokens = parsePointer(pointer);
  const last = tokens.pop()!;
  let cur = root as Record<string, unknown>;
  for (const t of tokens) cur = cur[t] as Record<string, unknown>;
  if (Array.isArray(cur)) cur.splice(Number(last), 1);
  else delete cur[last];
}

interface Row {
  n: number;
  file: string;
  change: string;
  errorAt: string;
  rule: string;
}
function rows(): Row[] {
  const md = readFileSync(join(dir, 'invalid.md'), 'utf8');
  const out: Row[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| (\d+) \| (\S+\.json) \| (.*) \| (.*) \| (.*) \|$/.exec(line);
    if (!m) continue;
    out.push({
      n: Number(m[1]),
      file: m[2]!,
      change: m[3]!,
      errorAt: m[4]!.replace(/`/g, '').trim(),
      rule: m[5]!.trim(),
    });
  }
  return out;
}

function applyChange(row: Row): { value: unknown; redacted?: unknown[] } {
  const value = load(row.file);
  let redacted: unknown[] | undefined;
  for (const part of row.change.split(' ; ')) {
    let m = /^`([^`]*)` = `(.*)`$/.exec(part);
    if (m) {
      setAt(value, m[1]!, JSON.parse(m[2]!));
      continue;
    }
    m = /^remove `([^`]*)`$/.exec(part);
    if (m) {
      removeAt(value, m[1]!);
      continue;
    }
    m = /^redacted = `(.*)`$/.exec(part);
    if (m) {
      redacted = JSON.parse(m[1]!) as unknown[];
      continue;
    }
    throw new Error(`row ${row.n}: cannot parse change ${part}`);
  }
  return redacted ? { value, redacted } : { value };
}

describe('design examples', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it.each(files)('%s is valid', (file) => {
    expect(check(file, load(file))).toEqual([]);
  });
});

describe('examples/invalid.md', () => {
  const all = rows();
  it('has all 153 rows', () => expect(all.length).toBe(153));
  it.each(all.filter((r) => r.n !== 3).map((r) => [r.n, r] as const))('row %i', (_n, row) => {
    const { value, redacted } = applyChange(row);
    const errors = check(row.file, value, redacted);
    if (row.errorAt === '(none)') {
      expect(errors).toEqual([]);
    } else {
      expect(
        errors.map((e) => e.pointer),
        JSON.stringify(errors),
      ).toContain(row.errorAt);
    }
  });
});
