// TAXII 2.1 request parsing: filters, paging positions, and what is refused (400).
import { describe, expect, it } from 'vitest';
import { decodePosition, encodePosition } from '../../node/src/interop/taxii.js';
import { parseQuery } from '../../node/src/interop/taxii-routes.js';

describe('parseQuery', () => {
  it('reads filters, several values comma-separated or repeated, and clamps limit', () => {
    const q = parseQuery(
      {
        added_after: '2025-06-01T12:00:00.123456Z',
        'match[id]': ['identity--a,report--b', 'location--c'],
        'match[type]': 'identity, report',
        'match[version]': 'first,2025-06-01T00:00:00Z',
        limit: '5000',
      },
      'last',
    );
    expect(q.addedAfter).toBe('2025-06-01T12:00:00.123Z');
    expect(q.ids).toEqual(['identity--a', 'report--b', 'location--c']);
    expect(q.types).toEqual(['identity', 'report']);
    expect(q.versions).toEqual({ last: false, first: true, all: false, at: new Set(['2025-06-01T00:00:00.000Z']) });
    expect(q.limit).toBe(1000);
    expect(parseQuery({}, 'last')).toEqual({
      versions: { last: true, first: false, all: false, at: new Set() },
      limit: 100,
    });
  });

  it('refuses what is not a timestamp, a limit, or a position it gave', () => {
    for (const bad of [
      { added_after: 'yesterday' },
      { added_after: ['2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'] },
      { 'match[version]': 'newest' },
      { limit: '0' },
      { limit: '-3' },
      { next: 'bm90IG91cnM' },
    ]) {
      expect(() => parseQuery(bad, 'last'), JSON.stringify(bad)).toThrow();
    }
  });
});

describe('positions', () => {
  it('round-trip, a whole row included', () => {
    for (const p of [
      { row: 0, index: 3 },
      { row: 81234, index: 0 },
      { row: 7, index: Infinity },
    ]) {
      expect(decodePosition(encodePosition(p))).toEqual(p);
    }
    expect(decodePosition('')).toBeNull();
  });
});
