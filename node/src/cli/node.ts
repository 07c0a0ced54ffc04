// Commands about the node itself: init, provision-example, start, bundle, backup.
import type { Command } from 'commander';
import { checkNodeDirectory, collectProblems, ConfigError, loadConfig, loadSecrets } from '../config/index.js';
import { buildBundle, bundleFingerprint, groupFingerprint, readAloudFingerprint } from '../exchange/bundle.js';
import { checkRecordedMode, initNode, provisionFromExample } from '../services/node-init.js';
import type { CliKit } from './kit.js';

/** The config settings `init` writes, named as the options that set them. */
const INIT_OPTIONS: Record<string, string> = {
  'config.json /nodeId': '--node-id',
  'config.json /name': '--name',
  'config.json /country': '--country',
  'config.json /url': '--url',
  'config.json /federation/listen': '--federation-listen',
  'config.json /operator/listen': '--operator-listen',
};

function initWithOptionNames(o: Parameters<typeof initNode>[0]): ReturnType<typeof initNode> {
  try {
    return initNode(o);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(
      e.problems.map((p) => ({ setting: INIT_OPTIONS[p.setting] ?? p.setting, message: p.message })),
    );
  }
}

export function registerNodeCommands(program: Command, kit: CliKit): void {
  program
    .command('init')
    .description('create a new node: CA, TLS certificate, signing key, config, database, admin token')
    .addOption(kit.dirOption())
    .requiredOption('--node-id <id>', 'node id, e.g. nl-lic-01')
    .requiredOption('--name <name>', 'agency name shown to partners')
    .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country')
    .option('--url <url>', 'federation URL partners use (default from --federation-listen)')
    .option('--federation-listen <host:port>', 'federation listener', '0.0.0.0:8443')
    .option('--operator-listen <host:port>', 'operator listener', '127.0.0.1:8080')
    .option('--host <name...>', 'extra DNS names or IPs for the TLS certificate')
    .option(
      '--exercise',
      'an exercise node, for rehearsals with invented data: it partners only with exercise nodes, marks everything it shows EXERCISE, and stays one for life',
    )
    .addOption(kit.jsonOption())
    .action(
      (o: {
        json?: boolean;
        exercise?: boolean;
        dir: string;
        nodeId: string;
        name: string;
        country: string;
        url?: string;
        federationListen: string;
        operatorListen: string;
        host?: string[];
      }) => {
        const { config } = initWithOptionNames({
          dir: o.dir,
          nodeId: o.nodeId,
          name: o.name,
          country: o.country,
          federationListen: o.federationListen,
          operatorListen: o.operatorListen,
          ...(o.url ? { url: o.url } : {}),
          ...(o.host ? { hosts: o.host } : {}),
          ...(o.exercise ? { exercise: true } : {}),
        });
        process.stderr.write(
          `initialised ${config.mode === 'exercise' ? 'EXERCISE node ' : ''}${config.nodeId} in ${o.dir}\n  federation ${config.url}\n  operator   http://${config.operator.host}:${config.operator.port}\n  admin token in ${o.dir}/admin.token (mode 600)\nnext: entente bundle --dir ${o.dir} > ${config.nodeId}.bundle.json and send it to partners with its fingerprint\n`,
        );
        if (o.json)
          kit.print({
            nodeId: config.nodeId,
            mode: config.mode,
            dir: o.dir,
            url: config.url,
            operator: `http://${config.operator.host}:${config.operator.port}`,
            adminTokenFile: `${o.dir}/admin.token`,
          });
      },
    );

  program
    .command('provision-example')
    .description(
      'make a runnable node directory from a committed example (certs-example/<id>); it starts only with --demo',
    )
    .requiredOption('--example <dir>', 'e.g. certs-example/nl-lic-01')
    .addOption(kit.dirOption())
    .option('--federation-listen <host:port>', 'federation listener', '0.0.0.0:8443')
    .option('--operator-listen <host:port>', 'operator listener', '127.0.0.1:8080')
    .option('--url <url>', "federation URL partners use (default: the example's)")
    .action((o: { example: string; dir: string; federationListen: string; operatorListen: string; url?: string }) => {
      const example = loadConfig(o.example);
      const { config } = provisionFromExample(o.example, o.dir, {
        federationListen: o.federationListen,
        operatorListen: o.operatorListen,
        url: o.url ?? example.url,
      });
      process.stderr.write(`provisioned example node ${config.nodeId} in ${o.dir} (start it with --demo)\n`);
    });

  program
    .command('start')
    .description('run the node')
    .addOption(kit.dirOption())
    .option('--demo', 'allow the committed example keys (example alliance only)')
    .option('--log-level <level>', 'pino log level', 'info')
    .action(async (o: { dir: string; demo?: boolean; logLevel: string }) => {
      const { startFromDirectory } = await import('../main.js');
      await startFromDirectory(o.dir, { demo: o.demo ?? false, logLevel: o.logLevel });
    });

  program
    .command('config')
    .description("the node directory's configuration")
    .command('check')
    .description('validate config.json, the key files and the environment as `start` would, without starting')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .action((o: { dir: string; json?: boolean }) => {
      const { config, secrets } = checkNodeDirectory(o.dir);
      checkRecordedMode(config);
      // the key material itself parses (the bundle is built from all of it)
      collectProblems([
        () => {
          try {
            buildBundle(config, secrets);
          } catch (e) {
            throw new ConfigError('key files', (e as Error).message);
          }
        },
      ]);
      process.stderr.write(`${o.dir}: configuration of ${config.nodeId} is valid\n`);
      if (o.json) kit.print({ ok: true, nodeId: config.nodeId });
    });

  program
    .command('bundle')
    .description(
      "print this node's partner bundle (stdout) and its fingerprint (stderr): 43 characters, in groups of four, and the read-aloud form of six groups of five digits",
    )
    .addOption(kit.dirOption())
    .action((o: { dir: string }) => {
      const config = loadConfig(o.dir);
      const bundle = buildBundle(config, loadSecrets(config, { strict: false }));
      const fp = bundleFingerprint(bundle);
      process.stdout.write(JSON.stringify(bundle, null, 2) + '\n');
      process.stderr.write(`fingerprint: ${fp}\n${groupFingerprint(fp)}\nread aloud: ${readAloudFingerprint(fp)}\n`);
    });

  program
    .command('backup <out>')
    .description('online backup of a node directory (database, config, keys) into a new directory OUT')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .action(async (out: string, o: { dir: string; json?: boolean }) => {
      const { backupNode } = await import('../services/backup.js');
      const r = await backupNode(loadConfig(o.dir), out, (line) => process.stderr.write(`${line}\n`));
      process.stderr.write(
        `backup in ${r.out}: ${r.files.join(', ')}; integrity ${r.integrity}; audit chain verifies (${r.auditEntries} entries)\nrestore: stop the node, replace its directory with this one (or start it with --dir ${r.out})\n`,
      );
      if (o.json) kit.print(r);
    });
}
