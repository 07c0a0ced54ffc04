// The command tree's conventions (issue 15 item 7): every command has examples in its --help, every
// command that prints data takes --json, and no help text cites a document outside the repo.
import { describe, expect, it } from 'vitest';
import { buildProgram, leafCommands } from '../../node/src/cli/program.js';

function helpOf(c: ReturnType<typeof leafCommands>[number]['command']): string {
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  c.outputHelp();
  return text;
}

// commands whose output is already JSON, a file, a script or a log (provision-example: the demo's only)
const NO_JSON: Record<string, string> = {
  start: 'logs JSON lines',
  bundle: 'stdout is the bundle JSON',
  completion: 'prints a shell script',
  'provision-example': 'makes a demo directory from a committed example; one stderr line',
  'audit export': 'writes the bundle JSON to a file',
};

describe('the entente command tree', () => {
  const leaves = leafCommands(buildProgram());
  it('has the commands an operator needs', () => {
    expect(leaves.map((l) => l.path)).toEqual(
      expect.arrayContaining(['config check', 'completion', 'partner list', 'records', 'screen', 'token create']),
    );
  });
  it.each(leaves.map((l) => [l.path, l] as const))(
    '%s: examples in --help, --json where it prints data',
    (path, leaf) => {
      const help = helpOf(leaf.command);
      expect(help).toMatch(/\nExamples:\n {2}\$ .*\bentente /);
      expect(help).not.toMatch(/brief|security\.md|shared\/design|architecture\.md §/);
      const json = leaf.command.options.some((o) => o.long === '--json');
      expect(json || path in NO_JSON, `${path} takes no --json`).toBe(true);
    },
  );
});
