// The one narrow interface through which the interop room (TAXII, STIX, CSV exports) reaches the
// rest of the node: app.ts fills it from the token and partner services, the audit log and the
// store's export tables. Nothing here writes records, partners or tokens.
import type { InteropTables } from '../store/interop.js';

export interface Principal {
  name: string;
  role: string;
}

export interface PartnerInfo {
  nodeId: string;
  name: string;
  country: string;
  removed: boolean;
}

/** The part of the store the exports read (record versions, read-only) and own (settings, id index). */
export type InteropStore = Pick<
  InteropTables,
  | 'access'
  | 'setAccess'
  | 'scan'
  | 'versionsOf'
  | 'first'
  | 'currentTlp'
  | 'indexedUpTo'
  | 'rowsAfter'
  | 'addToIndex'
  | 'recordsOf'
>;

export interface InteropDeps {
  node: { nodeId: string; name: string; country: string };
  /** An exercise node (docs/protocol.md §14.5): every export is marked EXERCISE. */
  exercise: boolean;
  /** Every registered partner, removed ones too (their records stay held). */
  partners(): PartnerInfo[];
  /** The principal of a token secret, or null (unknown or revoked; the token service audits it). */
  authenticate(secret: string | undefined, context: { method: string; path: string }): Principal | null;
  /** Audits an authenticated read, as the operator API does for every GET. */
  recordUse(p: Principal, method: string, path: string): void;
  /** The role of an active token, or undefined. */
  tokenRole(name: string): string | undefined;
  store: InteropStore;
  /** Runs `write` and appends the audit entry in one transaction. */
  audited(
    entry: { action: string; actor: string; subject: string; details: Record<string, unknown> },
    write: () => void,
  ): void;
  /** Runs `fn` in one transaction. */
  tx(fn: () => void): void;
  now(): number;
}
