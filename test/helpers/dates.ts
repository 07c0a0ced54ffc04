// Dates for tests, always relative to one instant (the real now by default), never written as
// literals: a literal date next to certificates made "now" breaks once the calendar passes it.
const DAY = 86_400_000;

/** The calendar day (YYYY-MM-DD, UTC) `offset` days after `from`. */
export function day(offset: number, from: number = Date.now()): string {
  return new Date(from + offset * DAY).toISOString().slice(0, 10);
}

/** 09:00 UTC of the first given weekday (0 = Sunday … 6 = Saturday) strictly after `from`'s day. */
export function nextWeekdayAt9(weekday: number, from: number = Date.now()): number {
  const d = new Date(from);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 9);
  const ahead = ((weekday - d.getUTCDay() + 6) % 7) + 1;
  return start + ahead * DAY;
}
