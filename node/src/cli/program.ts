// The `entente` command tree: every command file registers its commands here; examples are added to
// each command's --help, and `entente completion bash|zsh` is built from the same tree.
import { Command } from 'commander';
import { registerAlertCommands } from './alerts.js';
import { registerAuditCommands } from './audit.js';
import { registerCompletionCommand } from './completion.js';
import { registerConsultCommands } from './consultations.js';
import { registerExchangeCommands } from './exchange.js';
import { registerExerciseCommands } from './exercise.js';
import { registerExerciseReset } from './exercise-reset.js';
import { registerIndexCommand, registerScreeningCommands } from './screening.js';
import { examples, EXAMPLES } from './help.js';
import { registerKeyCommands } from './keys.js';
import { kit } from './kit.js';
import { registerNodeCommands } from './node.js';
import { registerReciprocityCommand } from './reciprocity.js';
import { registerRecordCommands } from './records.js';
import { registerTokenCommands } from './tokens.js';

/** Every command without subcommands, with its path ("partner add"). */
export function leafCommands(program: Command): { path: string; command: Command }[] {
  const out: { path: string; command: Command }[] = [];
  const walk = (c: Command, prefix: string) => {
    for (const sub of c.commands) {
      const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
      if (sub.commands.length === 0) out.push({ path, command: sub });
      else walk(sub, path);
    }
  };
  walk(program, '');
  return out;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('entente')
    .description('Entente node: federated sharing of export-control denials and enforcement findings')
    .version('0.1.0');
  registerNodeCommands(program, kit);
  registerTokenCommands(program, kit);
  registerRecordCommands(program, kit);
  registerExchangeCommands(program, kit);
  registerAuditCommands(program, kit);
  registerReciprocityCommand(program, kit);
  registerKeyCommands(program, kit);
  registerConsultCommands(program, kit);
  registerAlertCommands(program, kit);
  registerScreeningCommands(program, kit);
  registerIndexCommand(program, kit);
  registerExerciseCommands(program, kit);
  // exercise nodes (docs/protocol.md §14.5): one `exercise` command for every exercise subcommand
  const exercise =
    program.commands.find((c) => c.name() === 'exercise') ??
    program.command('exercise').description('exercise nodes: rehearse with invented data (docs/protocol.md §14.5)');
  registerExerciseReset(exercise, kit);
  registerCompletionCommand(program);
  // examples for the commands whose files do not add their own
  for (const { path, command } of leafCommands(program)) {
    const lines = EXAMPLES[path];
    if (lines) command.addHelpText('after', examples(lines));
  }
  return program;
}
