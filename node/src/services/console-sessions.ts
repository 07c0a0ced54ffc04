// Web console sessions (issue 17): a person pastes an operator token once; the node keeps a
// server-side session with the token's name and role. Idle timeout 30 min, absolute 12 h; an admin
// ends any session; a revoked token ends its sessions (the lookup reads the token's current state).
// Only hashes of session ids are stored; every sign-in, sign-out and revocation is audited.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../crypto/digest.js';
import { AppError } from '../domain/errors.js';
import type { LiveSessionRow, Store } from '../store/index.js';
import type { AuditService } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Principal, TokenService } from './tokens.js';

export interface SessionOptions {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

/** A live session as a request sees it. `handle` names it to admins (the hash, never the secret). */
export interface LiveSession {
  handle: string;
  principal: Principal;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionListItem {
  handle: string;
  name: string;
  role: string;
  createdAt: string;
  lastSeenAt: string;
}

/** Last-seen writes are spaced by this much (the idle timeout is 30 min; a write per click is waste). */
const TOUCH_EVERY_MS = 30_000;

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleSessions {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly o: SessionOptions = DEFAULT_SESSION_OPTIONS,
  ) {}

  /**
   * Starts a new session for a token (a new id every time: no fixation), or null if the token is not
   * valid or may not use the console.
   */
  signIn(secret: string, context: { path: string }): { sessionId: string; session: LiveSession } | null {
    const principal = this.tokens.authenticate(secret, { method: 'POST', path: context.path });
    // a consumer token reads exports (TAXII), a metrics token GET /metrics, and nothing else: no session
    if (!principal || principal.role === 'consumer' || principal.role === 'metrics') return null;
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const handle = sha256(sessionId);
    this.store.tx(() => {
      this.store.console.insertSession({
        id_hash: handle,
        token_name: principal.name,
        csrf,
        created_at: now,
        last_seen_at: now,
        ended_at: null,
        ended_by: null,
      });
      this.audit.append({ action: 'console.sign-in', actor: `token:${principal.name}`, subject: handle.slice(0, 12) });
    });
    return { sessionId, session: { handle, principal, csrf, createdAt: now, lastSeenAt: now } };
  }

  /** Why a stored session no longer counts, or null while it does. */
  private endReason(row: LiveSessionRow, now: number): string | null {
    if (row.ended_at !== null) return row.ended_by ?? 'ended';
    if (row.revoked_at) return 'token-revoked';
    if (now - row.last_seen_at > this.o.idleMs) return 'idle-timeout';
    if (now - row.created_at > this.o.absoluteMs) return 'absolute-timeout';
    return null;
  }

  /** The live session of a cookie value, or null (unknown, ended, expired, or its token revoked). */
  lookup(sessionId: string | undefined): LiveSession | null {
    if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const handle = sha256(sessionId);
    const row = this.store.console.session(handle);
    if (!row) return null;
    const now = this.clock.now();
    const why = this.endReason(row, now);
    if (why) {
      if (row.ended_at === null) this.store.tx(() => this.store.console.endSession(handle, now, why));
      return null;
    }
    if (now - row.last_seen_at > TOUCH_EVERY_MS) this.store.tx(() => this.store.console.touchSession(handle, now));
    return {
      handle,
      principal: { name: row.token_name, role: row.role },
      csrf: row.csrf,
      createdAt: row.created_at,
      lastSeenAt: now,
    };
  }

  signOut(session: LiveSession): void {
    this.store.tx(() => {
      this.store.console.endSession(session.handle, this.clock.now(), 'sign-out');
      this.audit.append({
        action: 'console.sign-out',
        actor: `token:${session.principal.name}`,
        subject: session.handle.slice(0, 12),
      });
    });
  }

  /** An admin ends someone's session. */
  revoke(handle: string, actor: string): void {
    this.store.tx(() => {
      if (!this.store.console.endSession(handle, this.clock.now(), `revoked by ${actor}`)) {
        throw new AppError('not-found', 'no open session with that handle');
      }
      this.audit.append({ action: 'console.session-revoke', actor, subject: handle.slice(0, 12) });
    });
  }

  list(): SessionListItem[] {
    const now = this.clock.now();
    return this.store.console
      .openSessions()
      .filter((r) => this.endReason(r, now) === null)
      .map((r) => ({
        handle: r.id_hash,
        name: r.token_name,
        role: r.role,
        createdAt: new Date(r.created_at).toISOString(),
        lastSeenAt: new Date(r.last_seen_at).toISOString(),
      }));
  }
}
