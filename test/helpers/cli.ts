// Runs the real `entente` CLI (bin/entente.js, built by the suite's global setup) as a child process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ENTENTE_BIN } from './entente-bin.js';

const root = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [ENTENTE_BIN, ...args],
      { cwd: root, env: { ...process.env, ...options.env }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
