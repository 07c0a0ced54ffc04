// `entente backup --dir D OUT`: an online backup of a node directory that restores to a node that
// starts, verifies its audit chain and resumes its streams. The database is copied with SQLite's
// backup API (consistent while the node runs); config and key files are copied beside it.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NodeConfig } from '../config/index.js';
import { Store } from '../store/index.js';
import { crashPoint } from '../config/crash.js';
import { AuditService } from '../core/audit.js';
import { systemClock } from '../core/clock.js';

export interface BackupResult {
  out: string;
  files: string[];
  auditEntries: number;
  integrity: string;
}

export async function backupNode(
  config: NodeConfig,
  finalOut: string,
  progress: (line: string) => void = () => {},
): Promise<BackupResult> {
  if (existsSync(finalOut) && readdirSync(finalOut).length > 0)
    throw new Error(`${finalOut} is not empty; choose a new directory`);
  // written under OUT.partial and renamed when complete: a backup interrupted midway never looks usable
  const out = `${finalOut}.partial`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  for (const f of [
    'config.json',
    config.files.caCert,
    config.files.caKey,
    config.files.tlsCert,
    config.files.tlsKey,
    config.files.signingKeys,
    join(config.dir, 'admin.token'),
  ]) {
    const src = f.startsWith('/') ? f : join(config.dir, f);
    if (!existsSync(src)) continue;
    const dst = join(out, basename(src));
    copyFileSync(src, dst);
    chmodSync(dst, statSync(src).mode & 0o777);
    files.push(basename(src));
  }
  crashPoint('backup.mid');
  progress('copying the database (online backup)…');
  const db = join(out, basename(config.files.database));
  const store = Store.open(config.files.database, { migrate: false });
  try {
    await store.backup(db);
  } finally {
    store.close();
  }
  files.push(basename(db));
  progress('checking the copy…');
  const copy = Store.open(db, { migrate: false });
  try {
    const integrity = copy.integrity(true);
    const audit = new AuditService(copy, systemClock).verify();
    if (!audit.ok)
      throw new Error(`the copy's audit chain does not verify at entry ${audit.firstBroken}: ${audit.reason}`);
    copy.close();
    rmSync(finalOut, { recursive: true, force: true });
    renameSync(out, finalOut);
    return { out: finalOut, files, auditEntries: audit.entries, integrity };
  } finally {
    if (copy.db.open) copy.close();
  }
}
