// Partner administration as the operator sees it: trust registration now; agreements and sync
// health attach here as the exchange grows.
import { AppError } from '../domain/errors.js';
import type { PartnerRow } from '../store/partners.js';
import type { PartnerService } from './partners.js';
import { readAloudFingerprint, type Bundle } from './bundle.js';

export interface PartnerView {
  nodeId: string;
  name: string;
  country: string;
  url: string;
  fingerprint: string;
  /** Six groups of five digits (docs/protocol.md §3.2). */
  readAloud: string;
  removed: boolean;
  addedAt: string;
  updatedAt: string;
  agreement: unknown;
  sync: Record<string, unknown>;
}

export interface PartnerHooks {
  /** Inside the registration transaction. `agreement` is present only when the PUT carried one. */
  onRegistered?(bundle: Bundle, created: boolean, change: { agreement?: unknown }, actor: string): void;
  onRemoved?(nodeId: string, actor: string): void;
  agreementOf?(nodeId: string): unknown;
  syncOf?(nodeId: string): Record<string, unknown>;
}

export class PartnerAdmin {
  constructor(
    private readonly partners: PartnerService,
    private readonly hooks: PartnerHooks = {},
  ) {}

  private toView(p: PartnerRow): PartnerView {
    return {
      nodeId: p.node_id,
      name: p.name,
      country: p.country,
      url: p.url,
      fingerprint: p.fingerprint,
      readAloud: readAloudFingerprint(p.fingerprint),
      removed: p.removed_at !== null,
      addedAt: p.added_at,
      updatedAt: p.updated_at,
      agreement: this.hooks.agreementOf?.(p.node_id) ?? null,
      sync: this.hooks.syncOf?.(p.node_id) ?? {},
    };
  }

  list(): PartnerView[] {
    return this.partners.list().map((p) => this.toView(p));
  }

  /** Every registered partner's node id (removed ones too), without the sync figures list() computes. */
  nodeIds(): string[] {
    return this.partners.list().map((p) => p.node_id);
  }

  view(nodeId: string): PartnerView {
    const p = this.partners.get(nodeId);
    if (!p) throw new AppError('not-found', 'no such partner');
    return this.toView(p);
  }

  put(
    nodeId: string,
    bundle: unknown,
    fingerprint: string,
    change: { agreement?: unknown },
    actor: string,
  ): { created: boolean; view: PartnerView } {
    if (change.agreement !== undefined && change.agreement !== null && !this.hooks.onRegistered) {
      throw new AppError('bad-request', 'agreements are not available on this node');
    }
    const { created } = this.partners.register(bundle, fingerprint, actor, (b, isNew) =>
      this.hooks.onRegistered?.(b, isNew, change, actor),
    );
    return { created, view: this.view(nodeId) };
  }

  remove(nodeId: string, actor: string): void {
    this.partners.remove(nodeId, actor, () => this.hooks.onRemoved?.(nodeId, actor));
  }
}
