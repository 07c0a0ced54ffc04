// The CLI as a new operator meets it (issue 15 items 5–7): errors on bad input say where and what,
// a failed init leaves nothing, and every command follows one convention. The real binary, against a
// real node.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { startTestNode, stopAll, tempDir, type TestNode } from '../helpers/nodes.js';

let a: TestNode;
beforeAll(async () => {
  a = await startTestNode('nl-lic-01', { country: 'NL' });
});
afterAll(stopAll);

function file(name: string, text: string): string {
  const f = join(tempDir(), name);
  writeFileSync(f, text);
  return f;
}

describe('errors on bad input', () => {
  it('JSON syntax errors give the line and column', async () => {
    const r = await cli(['publish', '--dir', a.dir, file('bad.json', '{ "type": "denial",\n  "record": {},\n}\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^entente: \S+bad\.json is not valid JSON: line 3, column 1: expected a "quoted" member name \(a trailing comma\?\)\n$/,
    );
  });

  it('a missing file is one line, not ENOENT', async () => {
    const r = await cli(['publish', '--dir', a.dir, join(tempDir(), 'missing.json')]);
    expect(r.stderr).toMatch(/^entente: \S+missing\.json: no such file\n$/);
  });

  it('every validation error has its pointer and a sentence; no HTTP code; node-filled members are not missing', async () => {
    const whole = await cli(['publish', '--dir', a.dir, file('array.json', '[1,2]')]);
    expect(whole.stderr).toBe(
      'entente: the input is not valid (1 problem):\n  the input as a whole: must be a JSON object\n',
    );
    const empty = await cli(['publish', '--dir', a.dir, file('empty.json', '{"type":"denial","record":{}}')]);
    expect(empty.stderr).toMatch(/^entente: the input is not valid \(\d+ problems\):\n/);
    expect(empty.stderr).toMatch(/^ {2}\/record\/decisionDate: is required$/m);
    expect(empty.stderr).not.toMatch(/reviewDueOn|notifiedAt|status|\b400\b/);
    const uae = await cli([
      'publish',
      '--dir',
      a.dir,
      file(
        'uae.json',
        '{"type":"denial","record":{"destinationCountry":"UAE","decisionType":"denial","exporterDisclosure":"NO"}}',
      ),
    ]);
    expect(uae.stderr).toMatch(
      /^ {2}\/record\/destinationCountry: "UAE" is not one of the \d+ allowed values \(did you mean AE\?\)$/m,
    );
    expect(uae.stderr).toMatch(
      /^ {2}\/record\/decisionType: "denial" is not allowed: must be one of .*DENIAL.* \(did you mean DENIAL\?\)$/m,
    );
    expect(uae.stderr).toMatch(
      /^ {2}\/record\/exporterDisclosure: "NO" is not allowed: must be one of [A-Z_, ]+ or [A-Z_]+$/m,
    );
  });
});

describe('init', () => {
  it('a failed init leaves nothing behind: not the directories it made, nor files in one that existed', async () => {
    const parent = tempDir();
    const dir = join(parent, 'a', 'b');
    const r = await cli(['init', '--dir', dir, '--node-id', 'nl-lic-02', '--name', 'NL', '--country', 'Netherlands']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'entente: --country: "Netherlands" is not one of the 250 allowed values (did you mean NL?)\n',
    );
    expect(existsSync(join(parent, 'a'))).toBe(false);
    const existing = join(parent, 'mine');
    mkdirSync(existing);
    writeFileSync(join(existing, 'notes.txt'), 'kept');
    const again = await cli(['init', '--dir', existing, '--node-id', 'NL', '--name', 'NL', '--country', 'NL']);
    expect(again.code).toBe(1);
    expect(readdirSync(existing)).toEqual(['notes.txt']);
  });
});
