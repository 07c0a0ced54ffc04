#!/usr/bin/env node
// The `entente` command (docs/protocol.md §10): one file of commands per capability.
import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { registerAlertCommands } from './alerts.js';
import { registerAuditCommands } from './audit.js';
import { ApiError } from './client.js';
import { registerConsultCommands } from './consultations.js';
import { registerExchangeCommands } from './exchange.js';
import { registerIndexCommand, registerScreeningCommands } from './screening.js';
import { registerKeyCommands } from './keys.js';
import { kit } from './kit.js';
import { registerNodeCommands } from './node.js';
import { registerReciprocityCommand } from './reciprocity.js';
import { registerRecordCommands } from './records.js';
import { registerTokenCommands } from './tokens.js';

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

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ApiError || e instanceof ConfigError || e instanceof Error)
    process.stderr.write(`entente: ${e.message}\n`);
  else process.stderr.write(`entente: ${String(e)}\n`);
  process.exitCode = 1;
});
