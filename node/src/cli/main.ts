#!/usr/bin/env node
// The `entente` command (brief §10).
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig, loadSecrets, ConfigError } from '../config/index.js';
import { buildBundle, bundleFingerprint, groupFingerprint, initNode, provisionFromExample } from '../services/identity.js';
import { ApiError, operatorClient } from './client.js';
import { registerRecordCommands } from './records.js';
import { registerConsultCommands, registerExchangeCommands, registerKeyCommands, registerReciprocityCommand } from './exchange.js';
import { registerIndexCommand, registerScreeningCommands } from './screening.js';
import { registerAuditCommands } from './audit.js';

const program = new Command();
program.name('entente').description('Entente node: federated sharing of export-control denials and enforcement findings').version('0.1.0');

const dirOption = () => new Option('--dir <dir>', 'node directory').makeOptionMandatory();

function readJson(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

program
  .command('init')
  .description('create a new node: CA, TLS certificate, signing key, config, database, admin token')
  .addOption(dirOption())
  .requiredOption('--node-id <id>', 'node id, e.g. nl-lic-01')
  .requiredOption('--name <name>', 'agency name shown to partners')
  .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country')
  .option('--url <url>', 'federation URL partners use (default from --federation-listen)')
  .option('--federation-listen <host:port>', 'federation listener', '0.0.0.0:8443')
  .option('--operator-listen <host:port>', 'operator listener', '127.0.0.1:8080')
  .option('--host <name...>', 'extra DNS names or IPs for the TLS certificate')
  .action((o: { dir: string; nodeId: string; name: string; country: string; url?: string; federationListen: string; operatorListen: string; host?: string[] }) => {
    const { config } = initNode({ dir: o.dir, nodeId: o.nodeId, name: o.name, country: o.country, federationListen: o.federationListen, operatorListen: o.operatorListen, ...(o.url ? { url: o.url } : {}), ...(o.host ? { hosts: o.host } : {}) });
    process.stderr.write(`initialised ${config.nodeId} in ${o.dir}\n  federation ${config.url}\n  operator   http://${config.operator.host}:${config.operator.port}\n  admin token in ${o.dir}/admin.token (mode 600)\nnext: entente bundle --dir ${o.dir} > ${config.nodeId}.bundle.json and send it to partners with its fingerprint\n`);
  });

program
  .command('provision-example')
  .description('make a runnable node directory from a committed example (certs-example/<id>); it starts only with --demo')
  .requiredOption('--example <dir>', 'e.g. certs-example/nl-lic-01')
  .addOption(dirOption())
  .option('--federation-listen <host:port>', 'federation listener', '0.0.0.0:8443')
  .option('--operator-listen <host:port>', 'operator listener', '127.0.0.1:8080')
  .option('--url <url>', 'federation URL partners use (default: the example\'s)')
  .action((o: { example: string; dir: string; federationListen: string; operatorListen: string; url?: string }) => {
    const example = loadConfig(o.example);
    const { config } = provisionFromExample(o.example, o.dir, { federationListen: o.federationListen, operatorListen: o.operatorListen, url: o.url ?? example.url });
    process.stderr.write(`provisioned example node ${config.nodeId} in ${o.dir} (start it with --demo)\n`);
  });

program
  .command('start')
  .description('run the node')
  .addOption(dirOption())
  .option('--demo', 'allow the committed example keys (example alliance only)')
  .option('--log-level <level>', 'pino log level', 'info')
  .action(async (o: { dir: string; demo?: boolean; logLevel: string }) => {
    const { startFromDirectory } = await import('../main.js');
    await startFromDirectory(o.dir, { demo: o.demo ?? false, logLevel: o.logLevel });
  });

program
  .command('bundle')
  .description('print this node\'s partner bundle (stdout) and its fingerprint (stderr)')
  .addOption(dirOption())
  .action((o: { dir: string }) => {
    const config = loadConfig(o.dir);
    const bundle = buildBundle(config, loadSecrets(config, { strict: false }));
    const fp = bundleFingerprint(bundle);
    process.stdout.write(JSON.stringify(bundle, null, 2) + '\n');
    process.stderr.write(`fingerprint: ${fp}\n${groupFingerprint(fp)}\n`);
  });

program
  .command('backup <out>')
  .description('online backup of a node directory (database, config, keys) into a new directory OUT')
  .addOption(dirOption())
  .action(async (out: string, o: { dir: string }) => {
    const { backupNode } = await import('../services/backup.js');
    const r = await backupNode(loadConfig(o.dir), out, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`backup in ${r.out}: ${r.files.join(', ')}; integrity ${r.integrity}; audit chain verifies (${r.auditEntries} entries)\nrestore: stop the node, replace its directory with this one (or start it with --dir ${r.out})\n`);
  });

const partner = program.command('partner').description('partners and their trust');
partner
  .command('add')
  .description('register a partner from its bundle (trust only unless --agreement)')
  .addOption(dirOption())
  .requiredOption('--bundle <file>', 'the partner\'s bundle (JSON)')
  .requiredOption('--fingerprint <fp>', 'the fingerprint the partner read to you (spaces allowed)')
  .option('--agreement <file>', 'the agreement to set (what this node sends to the partner)')
  .action(async (o: { dir: string; bundle: string; fingerprint: string; agreement?: string }) => {
    const bundle = readJson(o.bundle) as { nodeId: string };
    const body: Record<string, unknown> = { bundle, fingerprint: o.fingerprint };
    if (o.agreement) body.agreement = readJson(o.agreement);
    const view = await operatorClient(o.dir).call<{ nodeId: string }>('PUT', `/admin/v1/partners/${encodeURIComponent(String(bundle.nodeId))}`, body);
    process.stderr.write(`registered ${view.nodeId}${o.agreement ? ' with an agreement' : ' (trust only: nothing is shared until an agreement is set)'}\n`);
    print(view);
  });
partner
  .command('list')
  .addOption(dirOption())
  .action(async (o: { dir: string }) => print(await operatorClient(o.dir).call('GET', '/admin/v1/partners')));
partner
  .command('show <id>')
  .addOption(dirOption())
  .action(async (id: string, o: { dir: string }) => print(await operatorClient(o.dir).call('GET', `/admin/v1/partners/${encodeURIComponent(id)}`)));
partner
  .command('remove <id>')
  .description('stop exchange with a partner (stream and history are kept)')
  .addOption(dirOption())
  .action(async (id: string, o: { dir: string }) => {
    await operatorClient(o.dir).call('DELETE', `/admin/v1/partners/${encodeURIComponent(id)}`);
    process.stderr.write(`removed ${id}\n`);
  });

const token = program.command('token').description('operator tokens');
token
  .command('create')
  .addOption(dirOption())
  .requiredOption('--role <role>', 'admin, publisher or analyst')
  .requiredOption('--name <name>', 'token name')
  .action(async (o: { dir: string; role: string; name: string }) => {
    const t = await operatorClient(o.dir).call<{ token: string }>('POST', '/admin/v1/tokens', { name: o.name, role: o.role });
    process.stderr.write(`token ${o.name} (${o.role}); it is shown once:\n`);
    process.stdout.write(t.token + '\n');
  });
token
  .command('list')
  .addOption(dirOption())
  .action(async (o: { dir: string }) => print(await operatorClient(o.dir).call('GET', '/admin/v1/tokens')));
token
  .command('revoke <name>')
  .addOption(dirOption())
  .action(async (name: string, o: { dir: string }) => {
    await operatorClient(o.dir).call('DELETE', `/admin/v1/tokens/${encodeURIComponent(name)}`);
    process.stderr.write(`revoked ${name}\n`);
  });

registerRecordCommands(program, { dirOption, readJson, print });
registerExchangeCommands(program, { dirOption, readJson, print });
registerAuditCommands(program, { dirOption, readJson, print });
registerReciprocityCommand(program, { dirOption, readJson, print });
registerKeyCommands(program, { dirOption, readJson, print });
registerConsultCommands(program, { dirOption, readJson, print });
registerScreeningCommands(program, { dirOption, readJson, print });
registerIndexCommand(program, { dirOption, readJson, print });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ApiError || e instanceof ConfigError || e instanceof Error) process.stderr.write(`entente: ${e.message}\n`);
  else process.stderr.write(`entente: ${String(e)}\n`);
  process.exitCode = 1;
});
