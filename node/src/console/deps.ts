// The one narrow interface through which the web console reaches the node: the methods it calls on
// the same services the operator API uses, filled in by app.ts. When services move, only app.ts's
// wiring and the type imports below change.
import type { AuditBundle, AuditService } from '../core/audit.js';
import type { ConsoleSessions } from '../services/console-sessions.js';
import type { ConsoleViews } from '../services/console-views.js';
import type { ConsultationService } from '../services/consultations.js';
import type { ExchangeAdmin } from '../exchange/admin.js';
import type { Alerts } from '../exchange/alerts.js';
import type { KeyService } from '../services/keys.js';
import type { PartnerAdmin } from '../exchange/partner-admin.js';
import type { ReciprocityService } from '../services/reciprocity.js';
import type { RecordService } from '../services/records.js';
import type { ScreeningService } from '../screening/service.js';
import type { TokenService } from '../services/tokens.js';

export type { Principal } from '../services/tokens.js';
export type { LiveSession, SessionListItem } from '../services/console-sessions.js';
export type { RecordDetail, RecordSummary, SearchParams, VersionView } from '../services/records.js';
export type { Hit, ScreenParty } from '../screening/service.js';
/** The calibrated threshold at which a screening hit alerts (docs/screening.md). */
export { DEFAULT_THRESHOLD } from '../screening/service.js';
export type { Candidate } from '../screening/application.js';
export type { ConsultationView } from '../services/consultation-view.js';
export type { PartnerView } from '../exchange/partner-admin.js';
export type { ReciprocityRow, Flow as ReciprocityFlow } from '../services/reciprocity.js';
export type { Preview, ReceivedSince, ReleasedTo, Flow } from '../services/console-views.js';
export type { AuditVerification } from '../core/audit.js';
export type { Role } from '../schema/types.js';
export type { ReceivedAlertView, SentAlertView } from '../exchange/alerts.js';

export interface ConsoleDeps {
  /** mode: an exercise node's pages all carry the EXERCISE banner (docs/protocol.md §14.5). */
  node: { nodeId: string; name: string; country: string; mode: 'live' | 'exercise' };
  now(): number;
  /** Why the node refuses writes (database or audit chain broken), or null. */
  writable(): string | null;
  sessions: Pick<ConsoleSessions, 'signIn' | 'lookup' | 'signOut' | 'revoke' | 'list'>;
  tokens: Pick<TokenService, 'create' | 'list' | 'revoke' | 'recordUse'>;
  records: Pick<RecordService, 'publish' | 'amend' | 'changeStatus' | 'markReviewed' | 'get' | 'search'>;
  views: Pick<ConsoleViews, 'receivedSince' | 'markSeen' | 'releasedTo' | 'flow' | 'receivedPerWeek' | 'preview'>;
  screening: Pick<ScreeningService, 'screen' | 'screenApplication' | 'dismiss' | 'link'>;
  audit: Pick<AuditService, 'record' | 'verify' | 'page'> & { exportAll(): AuditBundle };
  consultations: Pick<ConsultationService, 'open' | 'reply' | 'list' | 'view'>;
  partners: Pick<PartnerAdmin, 'list' | 'nodeIds' | 'view' | 'put' | 'remove'> & {
    /** base64url(sha256(JCS(bundle))) of an uploaded bundle, shown before it is registered. */
    fingerprintOf(bundle: unknown): string;
    /** The same fingerprint as six groups of five digits (docs/protocol.md §3.2). */
    readAloudOf(fingerprint: string): string;
  };
  exchange: Pick<ExchangeAdmin, 'setAgreement' | 'explain' | 'alarms'>;
  reciprocity: Pick<ReciprocityService, 'report'>;
  keys: Pick<KeyService, 'status' | 'rotate'>;
  /** Alerts received and sent, and acknowledging (docs/protocol.md §14). */
  alerts: Pick<Alerts, 'received' | 'sent' | 'unacknowledged'> & {
    /** Acknowledges and wakes the pusher towards the originator. */
    acknowledge: Alerts['acknowledge'];
  };
}
