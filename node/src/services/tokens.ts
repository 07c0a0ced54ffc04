// Operator tokens: created with a role, shown once, stored hashed, revocable (docs/protocol.md §2, §10).
import { randomBytes } from 'node:crypto';
import { sha256 } from '../crypto/digest.js';
import { AppError } from '../domain/errors.js';
import type { Role } from '../schema/types.js';
import type { Store, TokenRow } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';

export const ROLES: readonly Role[] = ['metrics', 'consumer', 'analyst', 'publisher', 'admin'];
// consumer and metrics rank below analyst: one reads exports (TAXII) only, the other GET /metrics only
const RANK: Record<Role, number> = { metrics: 0, consumer: 0, analyst: 1, publisher: 2, admin: 3 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export interface Principal {
  name: string;
  role: Role;
}

export function newTokenSecret(): string {
  return 'ent_' + randomBytes(32).toString('base64url');
}

export function tokenHash(secret: string): string {
  return sha256(secret);
}

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(
    name: string,
    role: Role,
    actor: string,
    expiresAt: string | null = null,
  ): { name: string; role: Role; token: string; expiresAt: string | null } {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name))
      throw new AppError('validation', 'token name must match ^[a-z0-9][a-z0-9._-]{0,63}$', [
        { pointer: '/name', rule: 'M4', message: 'bad token name' },
      ]);
    if (!ROLES.includes(role))
      throw new AppError('validation', 'role must be admin, publisher, analyst, consumer or metrics', [
        { pointer: '/role', rule: 'M4', message: 'unknown role' },
      ]);
    if (expiresAt !== null && !(Date.parse(expiresAt) > this.clock.now()))
      throw new AppError('validation', 'expiresAt must be in the future', [
        { pointer: '/expiresAt', rule: 'M4', message: 'must be in the future' },
      ]);
    const token = newTokenSecret();
    this.store.tx(() => {
      if (this.store.tokens.byName(name)) throw new AppError('conflict', `a token named ${name} exists`);
      this.store.tokens.insert(name, role, tokenHash(token), new Date(this.clock.now()).toISOString(), expiresAt);
      this.audit.append({
        action: 'token.create',
        actor,
        subject: name,
        details: expiresAt ? { role, expiresAt } : { role },
      });
    });
    return { name, role, token, expiresAt };
  }

  list(): Omit<TokenRow, 'hash'>[] {
    return this.store.tokens.list().map(({ hash: _h, ...rest }) => rest);
  }

  revoke(name: string, actor: string): void {
    this.store.tx(() => {
      if (!this.store.tokens.revoke(name, new Date(this.clock.now()).toISOString()))
        throw new AppError('not-found', `no active token named ${name}`);
      this.audit.append({ action: 'token.revoke', actor, subject: name });
    });
  }

  /** An audit entry for a token's read (writes are audited by the action they perform). */
  recordUse(p: Principal, method: string, path: string): void {
    this.audit.record({
      action: 'token.use',
      actor: `token:${p.name}`,
      subject: path.slice(0, 200),
      details: { method },
    });
  }

  /** The principal of a bearer secret, or null (unknown, revoked or expired; the failure is audited). */
  authenticate(secret: string | undefined, context: { method: string; path: string }): Principal | null {
    const row = secret ? this.store.tokens.byHash(tokenHash(secret)) : undefined;
    const now = this.clock.now();
    const expired = !!row?.expires_at && Date.parse(row.expires_at) <= now;
    if (!row || row.revoked_at || expired) {
      const reason = !secret ? 'no-token' : !row ? 'unknown-token' : row.revoked_at ? 'revoked' : 'expired';
      this.audit.record({
        action: 'auth.failed',
        actor: 'anonymous',
        subject: context.path,
        details: { method: context.method, reason },
      });
      return null;
    }
    // last used (for the tokens page), written at most once a minute per token
    if (!row.last_used_at || now - Date.parse(row.last_used_at) > 60_000) {
      this.store.tx(() => this.store.tokens.touch(row.name, new Date(now).toISOString()));
    }
    return { name: row.name, role: row.role };
  }
}
