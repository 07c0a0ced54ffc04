// Operator bearer tokens, stored as SHA-256 hashes only.
import type Database from 'better-sqlite3';
import type { Role } from '../schema/types.js';
import { preparer, type Db } from './db.js';

export interface TokenRow {
  name: string;
  role: Role;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
}

export class TokensTable {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }
  insert(name: string, role: Role, hash: string, at: string, expiresAt: string | null = null): void {
    this.q('INSERT INTO tokens (name, role, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
      name,
      role,
      hash,
      at,
      expiresAt,
    );
  }
  byName(name: string): TokenRow | undefined {
    return this.q('SELECT * FROM tokens WHERE name = ?').get(name) as TokenRow | undefined;
  }
  byHash(hash: string): TokenRow | undefined {
    return this.q('SELECT * FROM tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
  }
  list(): TokenRow[] {
    return this.q('SELECT * FROM tokens ORDER BY name').all() as TokenRow[];
  }
  revoke(name: string, at: string): boolean {
    return this.q('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(at, name).changes === 1;
  }
  touch(name: string, at: string): void {
    this.q('UPDATE tokens SET last_used_at = ? WHERE name = ?').run(at, name);
  }
}
