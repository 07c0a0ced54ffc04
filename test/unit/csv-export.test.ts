// The CSV formatters: RFC 4180 quoting that parses back (domain/csv.ts), formula cells neutralised,
// every script kept, rows above the TLP allowance left out and counted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../node/src/domain/csv.js';
import {
  csvCell,
  csvLine,
  RECORD_COLUMNS,
  recordsCsv,
  SCREENING_COLUMNS,
  screeningCsv,
} from '../../node/src/interop/csv.js';
import { example } from '../helpers/examples.js';

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, and parses back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (cells) => {
        const safe = cells.map((c) => c.replace(/^[=+\-@\t\r]/, 'x'));
        expect([...parseCsv(csvLine(safe))]).toEqual(safe.length === 1 && safe[0] === '' ? [] : [safe]);
      }),
    );
  });

  it('a cell a spreadsheet would run as a formula starts with an apostrophe', () => {
    for (const v of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx'])
      expect(csvCell(v).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('Harbourline Trading FZE')).toBe('Harbourline Trading FZE');
    expect(csvCell('ООО «Островок», СПб')).toBe('"ООО «Островок», СПб"');
  });
});

describe('recordsCsv', () => {
  const items = ['denial-wa-sensitive', 'finding-network', 'finding-penalty-clear'].map((n) => {
    const record = example(n);
    return {
      id: record.id,
      type: record.findingType ? 'finding' : 'denial',
      version: record.version,
      origin: record.originatorNodeId,
      status: record.status,
      labels: [],
      recalled: false,
      record,
    };
  });

  it('one row per record version, the columns named in the header', () => {
    const rows = [...parseCsv(recordsCsv({ items }, 'RED').text)];
    expect(rows[0]).toEqual(RECORD_COLUMNS);
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual(items.map((i) => [i.id, String(i.version)]));
    for (const r of rows) expect(r).toHaveLength(RECORD_COLUMNS.length);
    const network = rows[2]!;
    expect(network[RECORD_COLUMNS.indexOf('parties')]).toContain('PURCHASER: ООО «Островок Точные Приборы»');
    expect(network[RECORD_COLUMNS.indexOf('handling')]).toContain('purpose: investigation lead only');
  });

  it('leaves out and counts what is above the allowance', () => {
    const out = recordsCsv({ items }, 'AMBER');
    expect(out.withheld).toBe(1);
    expect(out.text).not.toContain('OP-SILVERFERN');
  });
});

describe('screeningCsv', () => {
  const hit = (id: string, name: string) => ({
    target: `record|${id}|0`,
    score: 0.93,
    matchedName: name,
    matchedNameType: 'PRIMARY',
    explanation: { name: 0.93, adjusted: 0 },
    source: {
      kind: 'record',
      id,
      origin: 'nl-lic-01',
      type: 'denial',
      role: 'CONSIGNEE',
      status: 'ACTIVE',
      recalled: false,
      active: true,
    },
  });
  const tlp: Record<string, string> = { a: 'AMBER', s: 'AMBER+STRICT' };

  it('one row per hit, reference-list hits kept, hits on records above the allowance left out', () => {
    const list = {
      target: 'list|csl|42',
      score: 0.8,
      matchedName: 'Listed Co',
      matchedNameType: 'PRIMARY',
      explanation: { name: 0.8, adjusted: 0 },
      source: { kind: 'reference-list', list: 'csl', ref: '42' },
    };
    const out = screeningCsv(
      {
        results: [
          {
            input: { name: 'Harbourline', country: 'AE' },
            hits: [hit('a', 'Harbourline Trading FZE'), hit('s', 'Secret Co'), list],
          },
        ],
      },
      'AMBER',
      (id) => tlp[id],
    );
    const rows = [...parseCsv(out.text)];
    expect(rows[0]).toEqual(SCREENING_COLUMNS);
    expect(rows.slice(1).map((r) => r[SCREENING_COLUMNS.indexOf('matched_name')])).toEqual([
      'Harbourline Trading FZE',
      'Listed Co',
    ]);
    expect(out.withheld).toBe(1);
  });

  it('an application: party hits and candidates', () => {
    const candidate = (id: string) => ({
      denial: { id, origin: 'nl-lic-01', originatorReference: 'R', status: 'ACTIVE', listBasis: 'LISTED' },
      catchAll: false,
      party: {
        applicationRole: 'CONSIGNEE',
        applicationName: 'H',
        denialRole: 'CONSIGNEE',
        matchedName: 'H',
        score: 0.9,
      },
      control: 'same control entry 3A001',
      destination: 'same destination AE',
      essentiallyIdentical: true,
      score: 0.967,
    });
    const out = screeningCsv(
      {
        parties: [{ role: 'CONSIGNEE', name: 'H', hits: [hit('a', 'H')] }],
        candidates: [candidate('a'), candidate('s')],
      },
      'AMBER',
      (id) => tlp[id],
    );
    const rows = [...parseCsv(out.text)].slice(1);
    expect(rows.map((r) => r[0])).toEqual(['hit', 'candidate']);
    expect(rows[1]![SCREENING_COLUMNS.indexOf('essentially_identical')]).toBe('true');
    expect(out.withheld).toBe(1);
  });
});
