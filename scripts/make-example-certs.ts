// Regenerates certs-example/: keys and certificates of three FICTITIOUS agencies of an example
// alliance, for `npm run demo` and docker/compose.yaml. They are public, so a node refuses them
// unless started with --demo. Run: npx tsx scripts/make-example-certs.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initNode } from '../node/src/services/node-init.js';

export const EXAMPLE_ALLIANCE = [
  { nodeId: 'nl-lic-01', name: 'Example Netherlands dual-use licensing (fictitious)', country: 'NL', port: 8443 },
  { nodeId: 'jp-lic-01', name: 'Example Japan export licensing (fictitious)', country: 'JP', port: 8444 },
  { nodeId: 'de-enf-01', name: 'Example Germany customs enforcement (fictitious)', country: 'DE', port: 8445 },
] as const;

const root = join(import.meta.dirname, '..', 'certs-example');

if (process.argv[1]?.endsWith('make-example-certs.ts')) {
  for (const n of EXAMPLE_ALLIANCE) {
    const dir = join(root, n.nodeId);
    rmSync(dir, { recursive: true, force: true });
    initNode({
      dir,
      nodeId: n.nodeId,
      name: n.name,
      country: n.country,
      federationListen: `0.0.0.0:${n.port}`,
      operatorListen: '127.0.0.1:8080',
      url: `https://${n.nodeId}:${n.port}`,
      hosts: [n.nodeId, 'localhost', '127.0.0.1'],
      example: true,
      // public keys of a fictitious alliance: valid over any date the demo may run on, so that neither
      // the demo nor a test run with the clock moved depends on the day the keys were made
      certValidity: {
        notBefore: new Date(Date.UTC(2020, 0, 1)),
        notAfter: new Date(Date.UTC(2049, 11, 31, 23, 59, 59)),
      },
    });
    // the example keeps keys and config only: each run makes its own database and admin token
    for (const f of ['entente.db', 'entente.db-wal', 'entente.db-shm', 'admin.token'])
      rmSync(join(dir, f), { force: true });
    console.log(`wrote ${dir}`);
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, 'README.md'),
    `# Example alliance keys: NOT FOR USE\n\nThree fictitious agencies (${EXAMPLE_ALLIANCE.map((n) => n.nodeId).join(', ')}) for \`npm run demo\` and\n\`docker/compose.yaml\`. Their private keys are public in this repository, so every config here says\n\`"example": true\` and a node refuses to start with them unless given \`--demo\`.\n\nRegenerate with \`npx tsx scripts/make-example-certs.ts\`. A real node is made with \`entente init\`.\n`,
  );
}
