// npm run exercise: three fresh exercise nodes (nl-lic-01, de-enf-01, jp-lic-01) on loopback, paired
// with agreements, then scenarios/diversion-tabletop.yaml run through the real `entente exercise run`
// at high speed with its progress view, and `entente exercise report`; prints where the report is.
// --speed N (default 120: the 50-minute scenario in 25 seconds), --scenario FILE.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, type EntenteNode } from '../node/src/app.js';
import { loadConfig, loadSecrets } from '../node/src/config/index.js';
import { buildBundle, bundleFingerprint } from '../node/src/exchange/bundle.js';
import { createLogger } from '../node/src/log.js';
import { initNode, keepBoundAddresses } from '../node/src/services/node-init.js';
import { operatorApi } from './operator-api.js';

const root = join(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const speed = arg('--speed', '120');
const scenario = arg('--scenario', join(root, 'scenarios/diversion-tabletop.yaml'));
const work = mkdtempSync(join(tmpdir(), 'entente-exercise-'));
const DAY = 86_400_000;

interface Drill {
  id: string;
  dir: string;
  node: EntenteNode;
  token: string;
  bundle: ReturnType<typeof buildBundle>;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

async function start(id: string, name: string, country: string): Promise<Drill> {
  const dir = join(work, id);
  // an exercise node for life (docs/protocol.md §14.5); port 0: the kernel chooses, the bundle names it
  const { adminToken } = initNode({
    dir,
    nodeId: id,
    name,
    country,
    federationListen: '127.0.0.1:0',
    operatorListen: '127.0.0.1:0',
    exercise: true,
  });
  const node = await createNode(loadConfig(dir), loadSecrets(loadConfig(dir)), {
    log: createLogger({ level: 'silent', name: id }),
    sync: { tickMs: 250, pullIntervalMs: 60_000 },
  });
  const config = keepBoundAddresses(dir, node);
  return {
    id,
    dir,
    node,
    token: adminToken,
    bundle: buildBundle(config, loadSecrets(config)),
    api: operatorApi(node.operatorUrl, adminToken),
  };
}

function agreement(partner: string, reference: string, share?: Record<string, unknown>): Record<string, any> {
  const a = JSON.parse(readFileSync(join(root, 'test/fixtures/design/agreement-wide.json'), 'utf8'));
  delete a.version;
  return {
    ...a,
    partner,
    reference,
    validFrom: new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10),
    validUntil: new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10),
    ...(share ? { share } : {}),
  };
}

/** Runs the entente command from source, its output on this terminal. */
function entente(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'node/src/cli/main.ts'), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const running: Drill[] = [];

async function main(): Promise<number> {
  console.log(`Entente exercise: three exercise nodes on loopback, working directory ${work}`);
  const nl = await start('nl-lic-01', 'NL dual-use licensing (exercise)', 'NL');
  const de = await start('de-enf-01', 'DE customs enforcement (exercise)', 'DE');
  const jp = await start('jp-lic-01', 'JP export licensing (exercise)', 'JP');
  running.push(nl, de, jp);
  // what each sends to each: wide, except that de sends jp only GREEN findings
  const terms: [Drill, Drill, Record<string, any>][] = [
    [nl, jp, agreement(jp.id, 'EX-NL-JP-01')],
    [jp, nl, agreement(nl.id, 'EX-JP-NL-01')],
    [nl, de, agreement(de.id, 'EX-NL-DE-01')],
    [de, nl, agreement(nl.id, 'EX-DE-NL-01')],
    [jp, de, agreement(de.id, 'EX-JP-DE-01')],
    [de, jp, agreement(jp.id, 'EX-DE-JP-01', { finding: { maxTlp: 'GREEN' }, embargoHours: 0, backfill: true })],
  ];
  for (const [from, to, a] of terms) {
    const r = await from.api('PUT', `/admin/v1/partners/${to.id}`, {
      bundle: to.bundle,
      fingerprint: bundleFingerprint(to.bundle),
      agreement: a,
    });
    if (r.status >= 300) throw new Error(`${from.id} → ${to.id}: ${JSON.stringify(r.body)}`);
  }
  console.log('paired: nl, de and jp exchanged exercise bundles and set agreements (de → jp: GREEN findings only)\n');
  const control = {
    nodes: Object.fromEntries(
      [
        ['nl', nl],
        ['de', de],
        ['jp', jp],
      ].map(([label, d]) => [
        label,
        { url: (d as Drill).node.operatorUrl, tokenFile: join((d as Drill).dir, 'admin.token') },
      ]),
    ),
  };
  const controlFile = join(work, 'control.json');
  writeFileSync(controlFile, JSON.stringify(control, null, 2) + '\n');
  const log = join(work, 'run.json');
  const run = await entente([
    'exercise',
    'run',
    '--scenario',
    scenario,
    '--control',
    controlFile,
    '--speed',
    speed,
    '--log',
    log,
  ]);
  if (run !== 0) return run;
  const out = join(work, 'report');
  const report = await entente(['exercise', 'report', '--control', controlFile, '--log', log, '--out', out]);
  if (report !== 0) return report;
  console.log(`\nThe after-action report: ${join(out, 'report.html')} (and report.json beside it)`);
  return 0;
}

main()
  .then((code) => (process.exitCode = code))
  .catch((e: unknown) => {
    console.error(`npm run exercise: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(running.map((n) => n.node.close().catch(() => undefined)));
  });
