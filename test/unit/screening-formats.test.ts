// Reference-list formats (docs/screening.md, "Reference lists"), from fixtures written after the
// public format descriptions: FollowTheMoney entities, the CSL JSON, a plain CSV with a column mapping.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  csvRecords,
  parseColumnMap,
  parseList,
  sniffFormat,
  type ListEntry,
  type ListFormat,
} from '../../node/src/screening/formats.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const read = (f: string) => readFileSync(join(fixtures, f), 'utf8');

async function* chunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function entries(format: ListFormat, text: string, map?: string): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for await (const e of parseList(format, chunks(text, 37), map ? parseColumnMap(map) : undefined)) out.push(e);
  return out;
}

describe('list formats', () => {
  it('recognises each format from its first bytes', () => {
    expect(sniffFormat(read('lists/opensanctions-ftm.jsonl'))).toBe('ftm');
    expect(sniffFormat(read('lists/csl-api.json'))).toBe('csl-json');
    expect(sniffFormat(read('bis-entity-list-excerpt.json'))).toBe('entity-json');
    expect(sniffFormat(read('csl-excerpt.csv'))).toBe('csl-csv');
    expect(sniffFormat(read('lists/agency-list.csv'))).toBe('csv');
    expect(() => sniffFormat('x', 'xml')).toThrow(/unknown list format/);
  });

  it('FollowTheMoney: parties only, with names by kind, countries, birth dates and identifiers', async () => {
    const list = await entries('ftm', read('lists/opensanctions-ftm.jsonl'));
    expect(list.map((e) => e.ref)).toEqual(['NK-ofac-abc', 'NK-ofac-def', 'NK-eu-ru1', 'NK-vessel-1']);
    const [kim, bank, ostrovok, vessel] = list;
    expect(kim!.names).toEqual([
      { value: 'KIM Jong Un', type: 'PRIMARY' },
      { value: 'Kim Jong-un', type: 'ALIAS' },
      { value: '김정은', type: 'ALIAS' },
      { value: 'Dear Respected Comrade', type: 'WEAK_ALIAS' },
    ]);
    expect(kim).toMatchObject({ countries: ['KP'], birthDates: ['1984-01-08'], role: 'Person' });
    expect(bank!.names).toContainEqual({ value: 'Kwangson Banking Corporation', type: 'PREVIOUS' });
    expect(bank!.identifiers).toEqual(['BIC:KKBCKPPY', 'REG:0099-12']);
    expect(ostrovok).toMatchObject({ countries: ['RU'], identifiers: ['INN:7701234567'], role: 'LegalEntity' });
    expect(vessel!.identifiers).toEqual(['IMO:IMO8660313']);
  });

  it('the CSL as JSON', async () => {
    const [mahan, saedi] = await entries('csl-json', read('lists/csl-api.json'));
    expect(mahan).toMatchObject({
      ref: 'csl:0b3f',
      countries: ['IR'],
      names: [
        { value: 'Mahan Air', type: 'PRIMARY' },
        { value: 'Mahan Airlines', type: 'ALIAS' },
        { value: 'Mahan Air Company', type: 'ALIAS' },
      ],
    });
    expect(saedi).toMatchObject({ ref: 'csl:17aa', countries: ['IR'], birthDates: ['1962'] });
  });

  it('a plain CSV with a column mapping: aliases split on ;, country names to codes', async () => {
    const list = await entries(
      'csv',
      read('lists/agency-list.csv'),
      'id=Ref,name=Full Name,alias=AKA,country=Country,birthDate=DOB',
    );
    expect(list).toHaveLength(3);
    expect(list[1]).toMatchObject({
      ref: 'A-2',
      countries: ['CO'],
      birthDates: ['1970-03-02'],
      names: [
        { value: 'ALVAREZ PINEDA, Rafael', type: 'PRIMARY' },
        { value: 'CHEPE', type: 'ALIAS' },
        { value: 'ALVAREZ, Rafael Antonio', type: 'ALIAS' },
      ],
    });
    expect(list[2]!.names[0]!.value).toBe('Тянь-Шань Оптика');
    await expect(entries('csv', read('lists/agency-list.csv'), 'name=Name')).rejects.toThrow(/no column "Name"/);
    expect(() => parseColumnMap('alias=AKA')).toThrow(/needs name=COLUMN/);
  });

  it('the CSL CSV: rows of one party merged, whatever the chunking', async () => {
    const text = read('csl-excerpt.csv');
    const a = await entries('csl-csv', text);
    const b: ListEntry[] = [];
    for await (const e of parseList('csl-csv', chunks(text, 4096))) b.push(e);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(10);
  });

  it('CSV records never split a quoted field across chunks', async () => {
    const text = 'a,b\n"x\ny",2\n"p,""q""",3\n';
    for (const size of [1, 2, 3, 5, 100]) {
      const rows: string[][] = [];
      for await (const r of csvRecords(chunks(text, size))) rows.push(r);
      expect(rows).toEqual([
        ['a', 'b'],
        ['x\ny', '2'],
        ['p,"q"', '3'],
      ]);
    }
  });
});
