#!/usr/bin/env node
// The `entente` command (docs/protocol.md §10): the command tree is in program.ts. An error is one
// line on stderr (a list of invalid members, one per line, when the node names them) and exit 1.
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.stderr.write(`entente: ${e instanceof Error ? e.message : String(e)}\n`);
    // exit now: a command that failed half-way (a listener that could not bind) must not linger
    process.exit(1);
  });
