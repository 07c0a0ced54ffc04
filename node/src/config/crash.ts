// Named crash points for the crash-safety harness (issue 5): with ENTENTE_CRASH_AT=<point> (and
// optionally ENTENTE_CRASH_AFTER=<n>, the n-th time the point is reached) the process kills itself
// with SIGKILL there: no cleanup, no flush, exactly like a power cut. Unset in production.
const plan = (() => {
  const at = process.env.ENTENTE_CRASH_AT;
  if (!at) return null;
  return { at, after: Math.max(1, Number(process.env.ENTENTE_CRASH_AFTER ?? '1') || 1) };
})();
let hits = 0;

export const CRASH_POINTS = [
  'ingest.mid-batch',
  'ingest.after-commit',
  'push.mid',
  'materialise.mid',
  'publish.after-commit',
  'backfill.mid',
  'backup.mid',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashPoint(name: CrashPoint): void {
  if (!plan || plan.at !== name) return;
  hits++;
  if (hits >= plan.after) process.kill(process.pid, 'SIGKILL');
}
