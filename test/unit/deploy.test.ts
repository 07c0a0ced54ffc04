// deploy/entente.service (issue 15 item 9): the hardening docs/deploy.md promises, the package's own
// paths, and systemd's own check where systemd is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/nodes.js';

const root = join(import.meta.dirname, '../..');
const unit = readFileSync(join(root, 'deploy/entente.service'), 'utf8');
const settings = new Map<string, string[]>();
for (const line of unit.split('\n')) {
  const m = /^([A-Za-z]+)=(.*)$/.exec(line);
  if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
}
const one = (k: string) => settings.get(k)?.at(-1);

describe('deploy/entente.service', () => {
  it('runs as a dedicated user with the node directory the only writable path', () => {
    expect(one('User')).toBe('entente');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths')).toBe('/var/lib/entente');
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('CapabilityBoundingSet')).toBe('');
    for (const k of ['ProtectHome', 'PrivateTmp', 'PrivateDevices', 'RestrictSUIDSGID', 'ProtectKernelModules'])
      expect(one(k), k).toBe('true');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(5); // the node's own bound is 5 s by default
  });
  it('starts the package’s bin after a config check, and docs/deploy.md describes each hardening setting', () => {
    expect(one('ExecStartPre')).toBe('/usr/bin/node /opt/entente/bin/entente.js config check --dir /var/lib/entente');
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/entente/bin/entente.js start --dir /var/lib/entente');
    expect(existsSync(join(root, 'bin/entente.js'))).toBe(true);
    const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
    for (const k of ['ProtectSystem', 'ReadWritePaths', 'NoNewPrivileges', 'CapabilityBoundingSet', 'UMask'])
      expect(doc, k).toContain(k);
  });
  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify', () => {
    const copy = join(tempDir(), 'entente.service');
    writeFileSync(copy, unit);
    const out = execFileSync('systemd-analyze', ['verify', copy], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.toString()).toBe('');
  });
});
