// Process entry for `entente start`: read config, createNode(), stop cleanly on SIGINT/SIGTERM, and
// within a bound: a stop that takes longer than config.json /shutdown/timeoutSeconds (default 5)
// exits anyway; a transaction not committed by then is rolled back by SQLite.
import { checkNodeDirectory } from './config/index.js';
import { removeRunFile, writeRunFile } from './config/run-file.js';
import { createNode, type EntenteNode } from './app.js';
import { createLogger } from './log.js';

export async function startFromDirectory(
  dir: string,
  options: { demo?: boolean; logLevel?: string } = {},
): Promise<EntenteNode> {
  const { config, secrets } = checkNodeDirectory(dir);
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
  const exit = () => {
    removeRunFile(dir);
    process.exit(0);
  };
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const seconds = config.shutdown.timeoutSeconds;
    log.info({ signal, timeoutSeconds: seconds }, 'stopping');
    setTimeout(() => {
      log.warn({ timeoutSeconds: seconds }, 'stop took too long: exiting; uncommitted work is rolled back');
      exit();
    }, seconds * 1000).unref();
    // idle keep-alive sockets and worker threads would otherwise keep the process for seconds
    void node.close().then(exit, (e: unknown) => {
      log.error({ err: e }, 'stop failed');
      exit();
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return node;
}
