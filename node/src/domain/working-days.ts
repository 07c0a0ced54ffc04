// Due times of consultations (docs/records.md §9 C5): 23:59:59Z of the N-th working day after the sending
// day, on the responder's calendar (Saturday and Sunday off, plus that country's holidays). Pure.

function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(date);
}

/** The date of the N-th working day after `date` (exclusive). */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string> = new Set()): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    t += 86_400_000;
    if (isWorkingDay(ymd(t), holidays)) left--;
  }
  return ymd(t);
}

/** dueAt for a REQUEST sent at `sentMs`: 23:59:59Z of the N-th working day after the sending day. */
export function dueAtFor(sentMs: number, workingDays: number, holidays: ReadonlySet<string> = new Set()): string {
  return `${addWorkingDays(ymd(sentMs), workingDays, holidays)}T23:59:59Z`;
}

/** Working days strictly after `from` up to and including `to` (both Timestamps or Dates). */
export function workingDaysBetween(from: string, to: string, holidays: ReadonlySet<string> = new Set()): number {
  let t = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const end = to.slice(0, 10);
  let n = 0;
  while (ymd(t) < end) {
    t += 86_400_000;
    if (isWorkingDay(ymd(t), holidays)) n++;
  }
  return n;
}
