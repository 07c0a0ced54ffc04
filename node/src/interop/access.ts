// Per-token export settings: the highest TLP a token's exports (TAXII and CSV) may carry, default
// AMBER, and the TAXII collections an admin exposed to it, none by default.
import { AppError } from '../domain/errors.js';
import type { CollectionScope } from '../store/interop.js';
import type { InteropDeps } from './deps.js';
import { isTlp, type Tlp } from './stix-static.js';
import { uuid5 } from './uuid5.js';

export const DEFAULT_MAX_TLP: Tlp = 'AMBER';

export interface ExportAccess {
  token: string;
  maxTlp: Tlp;
  /** Collection aliases: `own`, `from-<partner nodeId>`. */
  collections: string[];
}

export interface CollectionInfo {
  id: string;
  alias: string;
  title: string;
  description: string;
  scope: CollectionScope;
}

/** Own records, and one collection per partner for the records received from it. */
export function allCollections(deps: InteropDeps): CollectionInfo[] {
  const self = deps.node;
  const own: CollectionInfo = {
    id: uuid5(`entente:collection:${self.nodeId}:own`),
    alias: 'own',
    title: `Records of ${self.name} (${self.nodeId})`,
    description: `Denial notices and enforcement findings published by ${self.nodeId}, every version.`,
    scope: { own: true },
  };
  const partners = deps.partners().map((p) => ({
    id: uuid5(`entente:collection:${self.nodeId}:from:${p.nodeId}`),
    alias: `from-${p.nodeId}`,
    title: `Received from ${p.name} (${p.nodeId})`,
    description:
      `Records ${p.nodeId} (${p.country}) shared with ${self.nodeId}, as released to it (redacted members absent)` +
      (p.removed ? '; the partner was removed, its records stay held.' : '.'),
    scope: { own: false as const, origin: p.nodeId },
  }));
  // an exercise node's collections say so first (docs/protocol.md §14.5)
  const all = [own, ...partners];
  if (!deps.exercise) return all;
  return all.map((c) => ({
    ...c,
    title: `EXERCISE — ${c.title}`,
    description: `EXERCISE: invented data from an exercise node, not for operational use. ${c.description}`,
  }));
}

export class ExportAccessService {
  constructor(private readonly deps: InteropDeps) {}

  get(token: string): ExportAccess {
    const row = this.deps.store.access(token);
    if (!row) return { token, maxTlp: DEFAULT_MAX_TLP, collections: [] };
    return {
      token,
      maxTlp: isTlp(row.max_tlp) ? row.max_tlp : DEFAULT_MAX_TLP,
      collections: JSON.parse(row.collections) as string[],
    };
  }

  /** The collections a token may read, in the order allCollections() gives. */
  collectionsOf(token: string): CollectionInfo[] {
    const granted = new Set(this.get(token).collections);
    return allCollections(this.deps).filter((c) => granted.has(c.alias));
  }

  set(token: string, input: { maxTlp?: unknown; collections?: unknown }, actor: string): ExportAccess {
    if (!this.deps.tokenRole(token)) throw new AppError('not-found', `no active token named ${token}`);
    const current = this.get(token);
    const maxTlp = input.maxTlp ?? current.maxTlp;
    if (!isTlp(maxTlp)) {
      throw new AppError('validation', 'maxTlp is CLEAR, GREEN, AMBER, AMBER+STRICT or RED', [
        { pointer: '/maxTlp', rule: 'M4', message: 'unknown TLP' },
      ]);
    }
    const known = new Set(allCollections(this.deps).map((c) => c.alias));
    const wanted = input.collections ?? current.collections;
    if (!Array.isArray(wanted) || wanted.some((c) => typeof c !== 'string')) {
      throw new AppError('validation', 'collections is a list of collection aliases', [
        { pointer: '/collections', rule: 'M4', message: 'not a list of strings' },
      ]);
    }
    const unknown = (wanted as string[]).findIndex((c) => !known.has(c));
    if (unknown >= 0) {
      throw new AppError('validation', `no collection ${String(wanted[unknown])}: use own or from-<partner nodeId>`, [
        { pointer: `/collections/${unknown}`, rule: 'M4', message: 'unknown collection' },
      ]);
    }
    const collections = [...new Set(wanted as string[])].sort();
    const next: ExportAccess = { token, maxTlp, collections };
    this.deps.audited({ action: 'token.exports', actor, subject: token, details: { maxTlp, collections } }, () =>
      this.deps.store.setAccess({
        token,
        max_tlp: maxTlp,
        collections: JSON.stringify(collections),
        updated_at: new Date(this.deps.now()).toISOString(),
      }),
    );
    return next;
  }
}
