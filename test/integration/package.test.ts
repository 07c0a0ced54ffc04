// `npm pack` makes a package whose `entente` works from any directory (issue 15 item 9): packed for
// real (which builds dist/), unpacked elsewhere, and run from a third directory. Its dependencies are
// linked from this checkout's node_modules, standing in for `npm install` of the same pinned versions.
import { execFile } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/nodes.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

describe('npm pack', () => {
  it('packs bin, dist, schemas and the console assets, and the packed entente runs from another directory', async () => {
    const out = tempDir('entente-pack-');
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    for (const f of [
      'bin/entente.js',
      'dist/cli/main.js',
      'schemas/node-config.schema.json',
      'schemas/generated/openapi.json',
      'node/src/console/assets/console.css',
      'deploy/entente.service',
      'docs/tutorial.md',
      'examples/denial.json',
    ])
      expect(files, f).toContain(f);
    expect(files.some((f) => f.startsWith('test/') || f === 'node/src/app.ts')).toBe(false);
    await run('tar', ['-xzf', join(out, packed!.filename), '-C', out]);
    const pkg = join(out, 'package');
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    const elsewhere = tempDir('entente-cwd-');
    const entente = (args: string[]) =>
      run(process.execPath, [join(pkg, 'bin/entente.js'), ...args], { cwd: elsewhere });
    const init = await entente([
      'init',
      '--dir',
      'n',
      '--node-id',
      'nl-lic-01',
      '--name',
      'NL',
      '--country',
      'NL',
      '--federation-listen',
      '127.0.0.1:0',
      '--operator-listen',
      '127.0.0.1:0',
    ]);
    expect(init.stderr).toMatch(/initialised nl-lic-01/);
    expect(existsSync(join(elsewhere, 'n', 'entente.db'))).toBe(true);
    const check = await entente(['config', 'check', '--dir', 'n']);
    expect(check.stderr).toMatch(/configuration of nl-lic-01 is valid/);
    const bundle = await entente(['bundle', '--dir', 'n']);
    expect(bundle.stderr).toMatch(/^read aloud: \d{5}( \d{5}){5}$/m);
  }, 240_000);
});
