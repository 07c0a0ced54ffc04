// What crosses the wire between partners (docs/protocol.md §3.2, §6.2–§6.9), as the types generated
// from schemas/ (npm run gen): nothing here is written by hand but the names.
import type { components } from '../schema/generated/openapi.js';

/** openapi-typescript renders a schema file's `$defs` as a member; no message carries it. */
type Wire<T> = T extends readonly (infer U)[]
  ? Wire<U>[]
  : T extends object
    ? { [K in keyof T as K extends '$defs' ? never : K]: Wire<T[K]> }
    : T;
type Schemas = { [K in keyof components['schemas']]: Wire<components['schemas'][K]> };
type Kinds = Wire<components['schemas']['release-payload.schema']['$defs']>;

/** The members every release carries, whatever its kind (an unknown kind is quarantined, §6.7 check 12). */
export type ReleaseEnvelope = Kinds['Any'];
export type RecordRelease = Kinds['record'];
export type TombstoneRelease = Kinds['tombstone'];
export type StatementRelease = Kinds['statement'];
export type ConsultationRelease = Kinds['consultation'];
/** entente/1.1: an acknowledgement of an alert version (docs/protocol.md §14.3). */
export type AckRelease = Kinds['ack'];
/** A verified release payload: the envelope, and the members of its kind. */
export type ReleasePayload = ReleaseEnvelope & Record<string, unknown>;
export type Statement = StatementRelease['statement'];

export type ReceiptPayload = Schemas['ReceiptPayload'];
export type PartnerBundle = Schemas['PartnerBundle'];
export type FeedPage = Schemas['FeedPage'];
export type InboxBody = Schemas['InboxBody'];
export type ReceiptBody = Schemas['ReceiptBody'];
/** The body of a 409 from a partner's inbox (§6.6). */
export type StreamConflict = Schemas['Problem'];
