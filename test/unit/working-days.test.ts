import { describe, expect, it } from 'vitest';
import { addWorkingDays, dueAtFor, workingDaysBetween } from '../../node/src/domain/working-days.js';
import { example } from '../helpers/examples.js';

describe('consultation due times (docs/records.md C5)', () => {
  it('reproduces the design example: request sent 2025-10-01T01:00Z, 10 working days', () => {
    expect(dueAtFor(Date.parse('2025-10-01T01:00:00Z'), 10)).toBe(example('consultation-request').dueAt);
  });
  it('the example extension moves the due time by 5 working days', () => {
    expect(`${addWorkingDays('2025-10-15', 5)}T23:59:59Z`).toBe(example('consultation-extension').newDueAt);
    expect(workingDaysBetween('2025-10-15T23:59:59Z', '2025-10-22T23:59:59Z')).toBe(5);
  });
  it("skips weekends and the responder's holidays", () => {
    expect(addWorkingDays('2025-12-24', 1)).toBe('2025-12-25');
    expect(addWorkingDays('2025-12-24', 1, new Set(['2025-12-25', '2025-12-26']))).toBe('2025-12-29');
    expect(addWorkingDays('2025-10-03', 1)).toBe('2025-10-06'); // Friday → Monday
  });
});
