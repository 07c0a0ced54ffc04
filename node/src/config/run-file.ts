// D/run.json: the addresses a running node actually listens on. A node configured with port 0 gets
// its ports from the kernel; this file is how the CLI, scripts and tests learn them, instead of
// picking a "free" port and handing it back (another process may take it first).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_FILE = 'run.json';

export interface RunFile {
  pid: number;
  nodeId: string;
  startedAt: string;
  federation: { port: number; url: string };
  operator: { port: number; url: string };
}

/** Written after both listeners are bound (write, then rename: a reader never sees half a file). */
export function writeRunFile(dir: string, run: RunFile): void {
  const tmp = join(dir, `${RUN_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(run, null, 2) + '\n');
  renameSync(tmp, join(dir, RUN_FILE));
}

/** Removed on a clean stop, if it is still this process's. */
export function removeRunFile(dir: string, pid = process.pid): void {
  if (readRunFile(dir, { anyPid: true })?.pid === pid) rmSync(join(dir, RUN_FILE), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The run file of a node directory, or null when there is none or its process is gone (a node that
 * was killed leaves it behind).
 */
export function readRunFile(dir: string, options: { anyPid?: boolean } = {}): RunFile | null {
  let run: RunFile;
  try {
    run = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8')) as RunFile;
  } catch {
    return null;
  }
  if (typeof run?.pid !== 'number' || typeof run.operator?.url !== 'string') return null;
  return options.anyPid || alive(run.pid) ? run : null;
}
