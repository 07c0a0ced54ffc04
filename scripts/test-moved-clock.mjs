#!/usr/bin/env node
// Runs tests with the whole process clock moved (libfaketime: Date, timers' wall clock, OpenSSL's
// certificate checks, child processes), to prove that no test depends on the day it runs.
//   node scripts/test-moved-clock.mjs [--offsets +183d,-183d] [test files…]
// Default: both offsets over the suite minus the long crash run. Needs the `faketime` command
// (Debian package faketime). Prints `N passed, N failed` per offset and exits non-zero on a failure.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let offsets = ['+183d', '-183d'];
const i = args.indexOf('--offsets');
if (i >= 0) {
  offsets = args[i + 1].split(',');
  args.splice(i, 2);
}
if (spawnSync('faketime', ['-f', '+0d', 'true']).status !== 0) {
  console.error('test-moved-clock: the faketime command is missing (apt-get install -y faketime)');
  process.exit(2);
}
const files = args.length > 0 ? args : ['--exclude', 'test/integration/crash.test.ts'];
let failed = false;
for (const offset of offsets) {
  console.log(`== tests with the clock moved ${offset}`);
  const run = spawnSync('faketime', ['-f', offset, process.execPath, 'scripts/run-tests.mjs', ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = run.stdout.trim().split('\n').at(-1);
  process.stdout.write(run.status === 0 ? `${last}\n` : run.stdout);
  console.log(`clock ${offset}: ${last}`);
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
