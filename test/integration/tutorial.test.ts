// docs/tutorial.md, followed verbatim: its ```sh blocks are extracted and run in order by bash, in a
// scratch directory holding a copy of examples/, with `entente` on PATH running this checkout's CLI.
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunFile } from '../../node/src/config/run-file.js';
import { tempDir } from '../helpers/nodes.js';

const root = join(import.meta.dirname, '../..');

/** The shell blocks of a Markdown document, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const work = tempDir('entente-tutorial-');
afterAll(() => {
  // a failed run must not leave its nodes behind
  for (const d of ['nl', 'jp']) {
    const run = readRunFile(join(work, d));
    if (run) process.kill(run.pid, 'SIGTERM');
  }
});

describe('docs/tutorial.md', () => {
  it('runs verbatim: two nodes from init to a consultation', async () => {
    const blocks = shellBlocks(readFileSync(join(root, 'docs/tutorial.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    cpSync(join(root, 'examples'), join(work, 'examples'), { recursive: true });
    const bin = join(work, 'bin');
    const wrapper = join(bin, 'entente');
    writeFileSync(join(work, 'tutorial.sh'), ['set -euo pipefail', ...blocks].join('\n'));
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      wrapper,
      // tsx by its resolved URL: the tutorial runs in a directory outside the repository
      `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${join(root, 'node/src/cli/main.ts')}" "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'bash',
        [join(work, 'tutorial.sh')],
        {
          cwd: work,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
          timeout: 280_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    // what the reader is told to expect
    expect(readFileSync(join(work, 'nl.fingerprint.txt'), 'utf8')).toMatch(/^read aloud: \d{5}( \d{5}){5}$/m);
    expect(r.stdout).toMatch(/^NL-DU-2025-00417\s+DENIAL\s+1\s+ACTIVE\s+nl-lic-01/m);
    expect(r.stdout).toMatch(/^Harbour Line Trading: [1-9]\d* hit\(s\)$/m);
    expect(r.stdout).toMatch(/^jp-lic-01: RELEASE/m);
    expect(r.stdout).toMatch(/requester\s+nl-lic-01\s+\S+\s+.*MAINTAINS_DENIAL/);
  }, 300_000);
});
