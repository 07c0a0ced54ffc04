// Operator bearer tokens, stored as SHA-256 hashes only.
import type { Db } from './db.js';

export type Role = 'admin' | 'publisher' | 'analyst';

export interface TokenRow {
  name: string;
  role: Role;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export class TokensTable {
  constructor(private readonly db: Db) {}
  insert(name: string, role: Role, hash: string, at: string): void {
    this.db.prepare('INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)').run(name, role, hash, at);
  }
  byName(name: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM tokens WHERE name = ?').get(name) as TokenRow | undefined;
  }
  byHash(hash: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
  }
  list(): TokenRow[] {
    return this.db.prepare('SELECT * FROM tokens ORDER BY name').all() as TokenRow[];
  }
  revoke(name: string, at: string): boolean {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(at, name).changes === 1;
  }
  touch(name: string, at: string): void {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE name = ?').run(at, name);
  }
}
