// Migrations 1 and 2: the schema the node was released with (records, exchange, audit). Never edit
// a released migration: add the next one in migrations.ts.
import type { Migration } from './migrations.js';

export const INITIAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

-- Append-only, hash-chained audit log (docs/protocol.md §9). hash = sha256(JCS({seq, at, action, actor, subject, details, prev})).
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE tokens (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'publisher', 'analyst')),
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
) STRICT;

-- The partner registry: trust (bundle, keys, pins). Removal keeps the row (stream and history stay).
CREATE TABLE partners (
  node_id TEXT PRIMARY KEY,
  bundle TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  name TEXT NOT NULL,
  country TEXT NOT NULL,
  url TEXT NOT NULL,
  added_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  removed_at TEXT
) STRICT;
CREATE TABLE partner_keys (
  node_id TEXT NOT NULL REFERENCES partners(node_id),
  kid TEXT NOT NULL,
  jwk TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('bundle', 'statement')),
  added_at TEXT NOT NULL,
  PRIMARY KEY (node_id, kid)
) STRICT;
CREATE TABLE partner_pins (
  node_id TEXT NOT NULL REFERENCES partners(node_id),
  pin TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('bundle', 'statement')),
  added_at TEXT NOT NULL,
  PRIMARY KEY (node_id, pin)
) STRICT;

-- Every version of every record, own and received. Rows are never updated or deleted.
-- view > 1 only where a received version's held view was replaced (new stream, re-anchor; audited).
CREATE TABLE record_versions (
  row_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  view INTEGER NOT NULL DEFAULT 1,
  type TEXT NOT NULL CHECK (type IN ('denial', 'finding')),
  origin TEXT NOT NULL,
  own INTEGER NOT NULL CHECK (own IN (0, 1)),
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  digest TEXT NOT NULL,
  signature TEXT,
  jws TEXT,
  redacted TEXT,
  agreement TEXT,
  stream TEXT,
  seq INTEGER,
  updated_at TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  UNIQUE (id, version, view)
) STRICT;
CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;

-- Current state per record (an index over record_versions, kept in the same transaction).
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  origin TEXT NOT NULL,
  own INTEGER NOT NULL,
  current_row INTEGER NOT NULL REFERENCES record_versions(row_id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  originator_reference TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  recalled INTEGER NOT NULL DEFAULT 0,
  order_key INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX records_own_reference ON records (type, originator_reference) WHERE own = 1;
CREATE INDEX records_order ON records (order_key);
CREATE TABLE record_terms (
  id TEXT NOT NULL REFERENCES records(id),
  kind TEXT NOT NULL CHECK (kind IN ('regime', 'control', 'destination')),
  value TEXT NOT NULL,
  PRIMARY KEY (id, kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX record_terms_value ON record_terms (kind, value);

-- Own publications in order: the outbox log (docs/protocol.md §6.5).
CREATE TABLE publications (
  pub_seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  row_id INTEGER NOT NULL REFERENCES record_versions(row_id),
  published_at TEXT NOT NULL,
  UNIQUE (id, version)
) STRICT;
`,
  },
  {
    version: 2,
    name: 'exchange',
    sql: `
-- Agreements this node sends under, versioned by this node (docs/records.md §10). body is the statement
-- form (canonical JSON) or NULL when the agreement was withdrawn. rev orders every change.
CREATE TABLE agreements (
  partner TEXT NOT NULL,
  rev INTEGER NOT NULL,
  version INTEGER,
  body TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (partner, rev)
) STRICT;

-- Outbound stream per partner (docs/protocol.md §6.3–§6.6).
CREATE TABLE out_streams (
  partner TEXT PRIMARY KEY,
  stream TEXT NOT NULL,
  head_seq INTEGER NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL DEFAULT '',
  head_iat INTEGER NOT NULL DEFAULT 0,
  mat_cursor INTEGER NOT NULL DEFAULT 0,
  receipt_upto INTEGER NOT NULL DEFAULT 0,
  push_next INTEGER NOT NULL DEFAULT 1,
  backfill_next INTEGER,
  backfill_until INTEGER,
  stmt_agreement_rev INTEGER,
  stmt_valid_state TEXT,
  stmt_iat INTEGER NOT NULL DEFAULT 0,
  blocked TEXT,
  last_error TEXT,
  last_push_at TEXT,
  last_pull_by_partner_at TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- Every materialised release, kept for re-sending identical bytes. Never updated or deleted.
CREATE TABLE releases (
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  partner TEXT NOT NULL,
  kind TEXT NOT NULL,
  iat INTEGER NOT NULL,
  hash TEXT NOT NULL,
  jws TEXT NOT NULL,
  record_id TEXT,
  record_version INTEGER,
  pub_seq INTEGER,
  created_at TEXT NOT NULL,
  PRIMARY KEY (stream, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX releases_partner ON releases (partner, stream, seq);
CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;

-- What each partner holds: record id → highest version released; recalled after a tombstone.
CREATE TABLE holdings (
  partner TEXT NOT NULL,
  record_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  recalled INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (partner, record_id)
) STRICT, WITHOUT ROWID;

-- Records waiting out an embargo before their first release to a partner (docs/protocol.md §5).
CREATE TABLE embargoes (
  partner TEXT NOT NULL,
  record_id TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  PRIMARY KEY (partner, record_id)
) STRICT, WITHOUT ROWID;

-- Receipts received from partners (all kept, docs/protocol.md §6.8).
CREATE TABLE receipts_in (
  row_id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  stream TEXT NOT NULL,
  up_to INTEGER NOT NULL,
  from_seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  iat INTEGER NOT NULL,
  rejected TEXT NOT NULL,
  jws TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
CREATE INDEX receipts_in_partner ON receipts_in (partner, row_id);

-- Inbound stream per partner (receiver side).
CREATE TABLE in_streams (
  partner TEXT PRIMARY KEY,
  stream TEXT NOT NULL DEFAULT '',
  next_seq INTEGER NOT NULL DEFAULT 1,
  last_hash TEXT NOT NULL DEFAULT '',
  last_iat INTEGER NOT NULL DEFAULT 0,
  receipt_jws TEXT,
  receipt_upto INTEGER NOT NULL DEFAULT 0,
  receipt_posted_upto INTEGER NOT NULL DEFAULT 0,
  rollback_seen_at INTEGER,
  old_streams TEXT NOT NULL DEFAULT '[]',
  last_contact_at TEXT,
  last_error TEXT
) STRICT;

-- Every release received: accepted ones as evidence of origin, quarantined ones as evidence only.
CREATE TABLE inbound (
  partner TEXT NOT NULL,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  hash TEXT NOT NULL,
  jws TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT,
  received_at TEXT NOT NULL,
  PRIMARY KEY (partner, stream, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER inbound_no_update BEFORE UPDATE ON inbound BEGIN SELECT RAISE(ABORT, 'inbound evidence is immutable'); END;
CREATE TRIGGER inbound_no_delete BEFORE DELETE ON inbound BEGIN SELECT RAISE(ABORT, 'inbound evidence is immutable'); END;

-- Statements received: what each partner promises us (latest per partner is authoritative).
CREATE TABLE statements_in (
  partner TEXT NOT NULL,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  iat INTEGER NOT NULL,
  agreement TEXT,
  checkpoint TEXT,
  PRIMARY KEY (partner, stream, seq)
) STRICT, WITHOUT ROWID;

-- Operator-visible alarms (also audited).
CREATE TABLE alarms (
  row_id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  partner TEXT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;

`,
  },
];
