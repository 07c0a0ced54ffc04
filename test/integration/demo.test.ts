// `npm run demo` keeps working: it runs as a child process and exits 0 only when all it narrates held.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('npm run demo', () => {
  it('narrates the alliance and exits 0', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(root, 'scripts/demo.ts')],
        { cwd: root, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
    expect(r.out).toMatch(/All \d+ expectations held/);
    expect(r.code, r.out).toBe(0);
  });
});
