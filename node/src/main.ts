// Process entry for `entente start`: read config, createNode(), stop cleanly on SIGINT/SIGTERM.
import { checkEnvironment, loadConfig, loadSecrets } from './config/index.js';
import { removeRunFile, writeRunFile } from './config/run-file.js';
import { createNode, type EntenteNode } from './app.js';
import { createLogger } from './log.js';

export async function startFromDirectory(
  dir: string,
  options: { demo?: boolean; logLevel?: string } = {},
): Promise<EntenteNode> {
  checkEnvironment();
  const config = loadConfig(dir);
  const secrets = loadSecrets(config);
  const log = createLogger({ level: options.logLevel ?? 'info', name: config.nodeId });
  const node = await createNode(config, secrets, { log, demo: options.demo ?? false });
  writeRunFile(dir, {
    pid: process.pid,
    nodeId: config.nodeId,
    startedAt: new Date().toISOString(),
    federation: { port: node.federationPort, url: node.federationUrl },
    operator: { port: node.operatorPort, url: node.operatorUrl },
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void node.close().then(() => {
      removeRunFile(dir);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    });
  };
  const onInt = () => stop('SIGINT');
  const onTerm = () => stop('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return node;
}
