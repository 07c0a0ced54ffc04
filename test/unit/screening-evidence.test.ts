// Evidence besides the name (docs/screening.md): a fact that agrees never lowers a score, one that
// conflicts lowers it, and an identical identifier is decisive; whatever the size of the index.
import { describe, expect, it } from 'vitest';
import { candidateName, scoreCandidate, type CandidateFacts } from '../../node/src/screening/evidence.js';
import { normaliseName } from '../../node/src/screening/names.js';
import { DEFAULT_THRESHOLD } from '../../node/src/screening/service.js';
import { compareNames } from '../../node/src/screening/similarity.js';

function facts(name: string, countries: string[], births: string[] = []): CandidateFacts {
  const n = normaliseName(name);
  return {
    key: n.key,
    skeleton: n.skeleton,
    initials: n.initials,
    surname: '',
    countries: JSON.stringify(countries),
    birth_dates: JSON.stringify(births),
    identifiers: '[]',
  };
}

const score = (query: { name: string; country?: string; birthDate?: string }, row: CandidateFacts) =>
  scoreCandidate(compareNames(normaliseName(query.name), candidateName(row)), query, row, []).score;

describe('evidence besides the name', () => {
  const row = facts('Harbourline Trading FZE', ['AE'], ['1970-03-02']);

  it('an identical name scores 1, with or without an agreeing country or date of birth', () => {
    expect(score({ name: 'Harbourline Trading FZE' }, row)).toBe(1);
    expect(score({ name: 'Harbourline Trading FZE', country: 'AE' }, row)).toBe(1);
    expect(score({ name: 'Harbourline Trading FZE', country: 'AE', birthDate: '1970' }, row)).toBe(1);
  });

  it('a conflicting country or date of birth lowers an identical name, which still alerts', () => {
    const other = score({ name: 'Harbourline Trading FZE', country: 'NL' }, row);
    const born = score({ name: 'Harbourline Trading FZE', birthDate: '1981-01-01' }, row);
    expect(other).toBeLessThan(1);
    expect(born).toBeLessThan(other);
    expect(born).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it('for a similar name, an agreeing country raises the score and a conflicting one lowers it', () => {
    const plain = score({ name: 'Harbourlyne Trading' }, row);
    expect(score({ name: 'Harbourlyne Trading', country: 'AE' }, row)).toBeGreaterThan(plain);
    expect(score({ name: 'Harbourlyne Trading', country: 'NL' }, row)).toBeLessThan(plain);
  });
});
