// The partner registry: bundles, signing keys and TLS pins per partner.
import type Database from 'better-sqlite3';
import { preparer, type Db } from './db.js';

export interface PartnerRow {
  node_id: string;
  bundle: string;
  fingerprint: string;
  name: string;
  country: string;
  url: string;
  added_at: string;
  updated_at: string;
  removed_at: string | null;
}

export interface PartnerKeyRow {
  node_id: string;
  kid: string;
  jwk: string;
  source: 'bundle' | 'statement';
  added_at: string;
}

export class PartnersTable {
  private readonly q: (sql: string) => Database.Statement;
  constructor(private readonly db: Db) {
    this.q = preparer(db);
  }
  /** The partner's country (from its bundle), without reading the rest of its row. */
  country(nodeId: string): string | undefined {
    return (this.q('SELECT country FROM partners WHERE node_id = ?').get(nodeId) as { country: string } | undefined)
      ?.country;
  }
  /** Registered and not removed. */
  isActive(nodeId: string): boolean {
    return (
      (
        this.q('SELECT removed_at IS NULL AS a FROM partners WHERE node_id = ?').get(nodeId) as
          { a: number } | undefined
      )?.a === 1
    );
  }
  get(nodeId: string): PartnerRow | undefined {
    return this.q('SELECT * FROM partners WHERE node_id = ?').get(nodeId) as PartnerRow | undefined;
  }
  /** Active (not removed) partners. */
  active(): PartnerRow[] {
    return this.q('SELECT * FROM partners WHERE removed_at IS NULL ORDER BY node_id').all() as PartnerRow[];
  }
  all(): PartnerRow[] {
    return this.q('SELECT * FROM partners ORDER BY node_id').all() as PartnerRow[];
  }
  upsert(p: Omit<PartnerRow, 'removed_at'>): void {
    this.q(
      `INSERT INTO partners (node_id, bundle, fingerprint, name, country, url, added_at, updated_at)
         VALUES (@node_id, @bundle, @fingerprint, @name, @country, @url, @added_at, @updated_at)
         ON CONFLICT (node_id) DO UPDATE SET bundle = excluded.bundle, fingerprint = excluded.fingerprint, name = excluded.name,
           country = excluded.country, url = excluded.url, updated_at = excluded.updated_at, removed_at = NULL`,
    ).run(p);
  }
  markRemoved(nodeId: string, at: string): boolean {
    return (
      this.q('UPDATE partners SET removed_at = ?, updated_at = ? WHERE node_id = ? AND removed_at IS NULL').run(
        at,
        at,
        nodeId,
      ).changes === 1
    );
  }
  /** Replaces the bundle-sourced keys and pins (statement-added ones stay until a new bundle drops them). */
  replaceBundleTrust(nodeId: string, keys: { kid: string; jwk: string }[], pins: string[], at: string): void {
    this.q('DELETE FROM partner_keys WHERE node_id = ?').run(nodeId);
    this.q('DELETE FROM partner_pins WHERE node_id = ?').run(nodeId);
    const k = this.q("INSERT INTO partner_keys (node_id, kid, jwk, source, added_at) VALUES (?, ?, ?, 'bundle', ?)");
    for (const key of keys) k.run(nodeId, key.kid, key.jwk, at);
    const p = this.q("INSERT INTO partner_pins (node_id, pin, source, added_at) VALUES (?, ?, 'bundle', ?)");
    for (const pin of pins) p.run(nodeId, pin, at);
  }
  addKey(nodeId: string, kid: string, jwk: string, at: string): boolean {
    return (
      this.q(
        "INSERT OR IGNORE INTO partner_keys (node_id, kid, jwk, source, added_at) VALUES (?, ?, ?, 'statement', ?)",
      ).run(nodeId, kid, jwk, at).changes === 1
    );
  }
  addPin(nodeId: string, pin: string, at: string): boolean {
    return (
      this.q("INSERT OR IGNORE INTO partner_pins (node_id, pin, source, added_at) VALUES (?, ?, 'statement', ?)").run(
        nodeId,
        pin,
        at,
      ).changes === 1
    );
  }
  keys(nodeId: string): PartnerKeyRow[] {
    return this.q('SELECT * FROM partner_keys WHERE node_id = ? ORDER BY added_at, kid').all(nodeId) as PartnerKeyRow[];
  }
  pins(nodeId: string): string[] {
    return (this.q('SELECT pin FROM partner_pins WHERE node_id = ? ORDER BY pin').all(nodeId) as { pin: string }[]).map(
      (r) => r.pin,
    );
  }
}
