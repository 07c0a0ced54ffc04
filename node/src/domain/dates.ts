// Calendar helpers for docs/records.md §1 Date, PartialDate and Timestamp. Pure.

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TS = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function validYmd(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  return !!m && validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isRealTimestamp(s: string): boolean {
  const m = TS.exec(s);
  if (!m) return false;
  const [h, mi, se] = [Number(m[4]), Number(m[5]), Number(m[6])];
  return validYmd(Number(m[1]), Number(m[2]), Number(m[3])) && h <= 23 && mi <= 59 && se <= 59;
}

export function isPartialDate(s: string): boolean {
  if (/^[0-9]{4}$/.test(s)) return Number(s) >= 1;
  const ym = /^([0-9]{4})-([0-9]{2})$/.exec(s);
  if (ym) return Number(ym[1]) >= 1 && Number(ym[2]) >= 1 && Number(ym[2]) <= 12;
  return isRealDate(s);
}

/** First day of a PartialDate, as a Date string (docs/records.md: "compared by its first day"). */
export function partialDateStart(s: string): string {
  if (s.length === 4) return `${s}-01-01`;
  if (s.length === 7) return `${s}-01`;
  return s;
}

/** date(t): the UTC calendar date of a Timestamp. */
export function dateOf(timestamp: string): string {
  return timestamp.slice(0, 10);
}

/** Adds whole years to a Date; 29 February becomes 28 February in a non-leap year. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  let md = date.slice(5);
  if (md === '02-29' && daysInMonth(y, 2) === 28) md = '02-28';
  return `${String(y).padStart(4, '0')}-${md}`;
}

export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** Timestamp (whole seconds, Z) for an instant in ms. */
export function toTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function timestampMs(ts: string): number {
  return Date.parse(ts);
}

export function todayUtc(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}
