// The CLI as a new operator meets it (issue 15 items 5–7): errors on bad input say where and what,
// a failed init leaves nothing, and every command follows one convention. The real binary, against a
// real node.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { publishBody } from '../helpers/examples.js';
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

describe('one convention for every command', () => {
  let id = '';
  beforeAll(async () => {
    const body = publishBody('denial-wa-sensitive', { originatorReference: 'CONV-1' });
    body.record.parties[0].party.names.push({ value: '海港贸易有限公司', type: 'ALIAS' });
    const r = await a.op('POST', '/admin/v1/records', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.id as string;
  });

  it('records --type takes any case; the table shows short ids that record, explain and others accept', async () => {
    const r = await cli(['records', '--dir', a.dir, '--type', 'Denial', '--status', 'active']);
    expect(r.code, r.stderr).toBe(0);
    const short = id.split(':').at(-1)!.slice(0, 8);
    expect(r.stdout).toMatch(new RegExp(`^CONV-1\\s+DENIAL\\s+1\\s+ACTIVE\\s.*\\s${short}$`, 'm'));
    const bad = await cli(['records', '--dir', a.dir, '--type', 'licence']);
    expect(bad.stderr).toMatch(/--type licence: must be denial or finding/);
    const shown = await cli(['record', short, '--dir', a.dir]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^V\s+CHANGE\s+STATUS\s+UPDATED$/m);
    const json = JSON.parse((await cli(['record', short, '--dir', a.dir, '--json'])).stdout) as { id: string };
    expect(json.id).toBe(id);
    const none = await cli(['record', 'ffffffff', '--dir', a.dir]);
    expect(none.stderr).toBe('entente: no record whose id starts with ffffffff\n');
  });

  it('screen takes names on the command line (a missing .json file is said so); tables pad CJK by display width', async () => {
    const byName = await cli(['screen', 'Harbourline Trading', '--dir', a.dir]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toMatch(/^Harbourline Trading: [1-9]\d* hit\(s\)$/m);
    const cjk = await cli(['screen', '海港贸易有限公司', '--dir', a.dir]);
    expect(cjk.code, cjk.stderr).toBe(0);
    const lines = cjk.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('SCORE'))!;
    const row = lines.find((l) => l.includes('海港贸易有限公司'))!;
    // the SOURCE column starts at the same display column in the header and in the CJK row
    const { default: stringWidth } = await import('string-width');
    const col = (line: string, at: number) => stringWidth(line.slice(0, at));
    expect(col(row, row.indexOf('nl-lic-01'))).toBe(col(header, header.indexOf('SOURCE')));
    const missing = await cli(['screen', 'parties.json', '--dir', a.dir]);
    expect(missing.stderr).toBe('entente: parties.json: no such file\n');
  });

  it('text a terminal would act on is neutralised in tables: C1 controls, line breaks, bidi overrides', async () => {
    const body = publishBody('denial-wa-sensitive', { originatorReference: 'CONV-C1' });
    // valid record text (the schemas refuse only C0 and DEL): an 8-bit CSI that clears the screen in a
    // terminal taking C1 controls, and a right-to-left override that reverses what follows it
    body.record.parties[0].party.names[0].value = 'Harbourline \u009b2J Trading \u202eEZF';
    const r = await a.op('POST', '/admin/v1/records', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const shown = await cli(['screen', 'Harbourline 2J Trading EZF', '--dir', a.dir]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Harbourline \ufffd2J Trading EZF');
    expect(shown.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('completion bash completes commands, subcommands and options', async () => {
    const r = await cli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const script = join(tempDir(), 'entente.bash');
    writeFileSync(script, r.stdout);
    const { execFileSync } = await import('node:child_process');
    const complete = (words: string[]) =>
      execFileSync('bash', [
        '-c',
        `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _entente; echo "\${COMPREPLY[@]}"`,
      ])
        .toString()
        .trim();
    expect(complete(['entente', 'part'])).toBe('partner');
    expect(complete(['entente', 'partner', ''])).toBe('add list show remove --help');
    expect(complete(['entente', 'records', '--dir', 'x', '--ty'])).toBe('--type');
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef entente\n/);
    expect(zsh.stdout).toContain('"partner") cands=(add list show remove --help) ;;');
  });
});
