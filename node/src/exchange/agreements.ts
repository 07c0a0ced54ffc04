// Agreements this node sends under (docs/records.md §10): validated, versioned by this node (1 at
// registration, +1 per content change; an identical PUT changes nothing), kept in statement form.
import { canonicalString } from '../crypto/canonical.js';
import { validateAgreement, withDefaults, type AgreementStatement } from '../domain/agreement-rules.js';
import { AppError, validationError } from '../domain/errors.js';
import type { ExchangeStore } from '../store/exchange.js';

export interface AgreementChange {
  changed: boolean;
  agreement: AgreementStatement | null;
  rev: number;
}

export class AgreementService {
  constructor(
    private readonly store: ExchangeStore,
    private readonly selfNodeId: string,
  ) {}

  /** The agreement in force for a partner (statement form), or null. */
  current(partner: string): AgreementStatement | null {
    const row = this.store.exchange.latestAgreement(partner);
    return row?.body ? (JSON.parse(row.body) as AgreementStatement) : null;
  }

  currentRev(partner: string): number | null {
    return this.store.exchange.latestAgreement(partner)?.rev ?? null;
  }

  /** Validates an operator's agreement (or null) without storing it. */
  check(partner: string, input: unknown, pointerPrefix = '/agreement'): void {
    if (input === null) return;
    const errors = validateAgreement(input, { form: 'input', sender: this.selfNodeId, pathPartner: partner });
    if (errors.length) throw validationError(errors, pointerPrefix, 'the agreement is not valid');
  }

  /** Stores a new agreement version when the content changed. Call inside the caller's transaction. */
  set(partner: string, input: unknown, at: string): AgreementChange {
    if (!this.store.inTransaction()) throw new Error('agreements.set runs inside a transaction');
    this.check(partner, input);
    const latest = this.store.exchange.latestAgreement(partner);
    if (input === null) {
      if (!latest || latest.body === null) return { changed: false, agreement: null, rev: latest?.rev ?? 0 };
      const rev = this.store.exchange.insertAgreement(partner, null, null, at);
      return { changed: true, agreement: null, rev };
    }
    const content = withDefaults(input);
    const current = latest?.body ? (JSON.parse(latest.body) as AgreementStatement) : null;
    if (current) {
      const { version: _v, ...currentContent } = current;
      if (canonicalString(currentContent) === canonicalString(content))
        return { changed: false, agreement: current, rev: latest!.rev };
    }
    const version = this.store.exchange.maxAgreementVersion(partner) + 1;
    const statement: AgreementStatement = { ...content, version };
    const rev = this.store.exchange.insertAgreement(partner, version, canonicalString(statement), at);
    return { changed: true, agreement: statement, rev };
  }

  requireKnownPartner(partner: string): void {
    if (!this.store.partners.get(partner)) throw new AppError('not-found', 'no such partner');
  }
}
