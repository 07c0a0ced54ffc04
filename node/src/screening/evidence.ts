// A candidate name's score with the other evidence (docs/screening.md, "Ranking"): the calibrated name
// score, moved in log-odds by the country and the date of birth, and an identical identifier decisive.
import type { NormalisedName } from './names.js';
import { nameScore, type NameComparison } from './similarity.js';

export interface ScreenParty {
  name: string;
  country?: string;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate?: string;
  identifiers?: { scheme: string; value: string }[];
}

export interface Explanation {
  name: number;
  country?: string;
  birthDate?: string;
  identifier?: string;
  /** The score minus the name score. */
  adjusted: number;
}

/** The indexed facts about a candidate name (a screen_entries row's columns). */
export interface CandidateFacts {
  key: string;
  skeleton: string;
  initials: string;
  surname: string;
  countries: string;
  birth_dates: string;
  identifiers: string;
}

/** Log-odds added for agreeing or conflicting evidence besides the name. */
export const OFFSETS = { sameCountry: 0.5, otherCountry: -1, sameBirthDate: 0.7, otherBirthDate: -2.5 };

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Whether two partial dates agree (on what both give), conflict, or cannot be compared. */
export function datesAgree(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return n >= 4 && a.slice(0, n) === b.slice(0, n);
}

/** A candidate's name as the comparison needs it (from its indexed row). */
export function candidateName(row: CandidateFacts): NormalisedName {
  return {
    tokens: row.key.split(' '),
    key: row.key,
    skeleton: row.skeleton,
    initials: row.initials,
    surname: row.surname,
  };
}

/** The score of a compared candidate with the party's other facts; `identical` lists shared identifiers. */
export function scoreCandidate(
  cmp: NameComparison,
  p: ScreenParty,
  row: CandidateFacts,
  identical: string[],
): { score: number; explanation: Explanation } {
  const name = round(nameScore(cmp));
  const explanation: Explanation = { name, adjusted: 0 };
  let offset = 0;
  const countries = JSON.parse(row.countries) as string[];
  if (p.country && countries.length > 0) {
    if (countries.includes(p.country)) {
      explanation.country = `same country ${p.country}`;
      offset += OFFSETS.sameCountry;
    } else {
      explanation.country = `country ${p.country} conflicts with ${countries.join(', ')}`;
      offset += OFFSETS.otherCountry;
    }
  }
  const births = JSON.parse(row.birth_dates) as string[];
  if (p.birthDate && births.length > 0) {
    if (births.some((b) => datesAgree(b, p.birthDate!))) {
      explanation.birthDate = `same date of birth ${p.birthDate}`;
      offset += OFFSETS.sameBirthDate;
    } else {
      explanation.birthDate = `date of birth ${p.birthDate} conflicts with ${births.join(', ')}`;
      offset += OFFSETS.otherBirthDate;
    }
  }
  let score = offset === 0 ? name : round(nameScore(cmp, offset));
  if (identical.length > 0) {
    explanation.identifier = `identical identifier ${identical.join(', ')}: decisive`;
    score = 1;
  }
  explanation.adjusted = round(score - name);
  return { score, explanation };
}
