// Vitest global setup: builds dist/ from this checkout (tsc -p tsconfig.build.json) once before the
// suite, so that the CLI and node processes the tests start are the real binary, bin/entente.js, as
// an operator runs it, and never a stale build.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
