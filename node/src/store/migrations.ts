// Numbered migrations, applied in order at start. Never edit a released migration: add the next one.

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'foundation',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

-- Append-only, hash-chained audit log (brief §9). hash = sha256(JCS({seq, at, action, actor, subject, details, prev})).
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

-- Own publications in order: the outbox log (brief §6.5).
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
-- Agreements this node sends under, versioned by this node (records-v1 §10). body is the statement
-- form (canonical JSON) or NULL when the agreement was withdrawn. rev orders every change.
CREATE TABLE agreements (
  partner TEXT NOT NULL,
  rev INTEGER NOT NULL,
  version INTEGER,
  body TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (partner, rev)
) STRICT;

-- Outbound stream per partner (brief §6.3–§6.6).
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

-- Records waiting out an embargo before their first release to a partner (brief §5).
CREATE TABLE embargoes (
  partner TEXT NOT NULL,
  record_id TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  PRIMARY KEY (partner, record_id)
) STRICT, WITHOUT ROWID;

-- Receipts received from partners (all kept, brief §6.8).
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
  {
    version: 3,
    name: 'operations',
    sql: `
-- Signed audit checkpoints (brief §9): {seq, hash, iat} signed as entente-checkpoint+jws.
CREATE TABLE checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  iat INTEGER NOT NULL,
  jws TEXT NOT NULL
) STRICT;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;

-- Signing-key rotation (brief §3.5): a new key is announced per partner and used once every
-- partner's receipt covers the announcing statement.
CREATE TABLE key_announcements (
  kid TEXT NOT NULL,
  partner TEXT NOT NULL,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('signing', 'tls')),
  PRIMARY KEY (kid, partner)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 4,
    name: 'consultations',
    sql: `
-- Consultations (records-v1 §9), one row per consultation on each side, and every message.
CREATE TABLE consultations (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('requester', 'responder')),
  partner TEXT NOT NULL,
  state TEXT NOT NULL,
  due_at TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  request_iat INTEGER NOT NULL,
  extension_days INTEGER NOT NULL DEFAULT 0,
  position TEXT,
  response_iat INTEGER,
  on_time INTEGER,
  outcome TEXT,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX consultations_partner ON consultations (partner, state);
CREATE TABLE consultation_messages (
  id TEXT PRIMARY KEY,
  consultation_id TEXT NOT NULL REFERENCES consultations(id),
  type TEXT NOT NULL,
  author TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
  iat INTEGER NOT NULL,
  body TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX consultation_messages_consultation ON consultation_messages (consultation_id, iat);
CREATE TRIGGER consultation_messages_no_update BEFORE UPDATE ON consultation_messages BEGIN SELECT RAISE(ABORT, 'messages are immutable'); END;
CREATE TRIGGER consultation_messages_no_delete BEFORE DELETE ON consultation_messages BEGIN SELECT RAISE(ABORT, 'messages are immutable'); END;
`,
  },
  {
    version: 5,
    name: 'screening',
    sql: `
-- Screening index (brief §7): one row per name variant of every party of every held record and of
-- every reference-list entry; an FTS5 trigram index over the normalised key and consonant skeleton.
CREATE TABLE screen_entries (
  row_id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  record_id TEXT,
  list_ref TEXT,
  party_index INTEGER NOT NULL,
  party_role TEXT,
  name TEXT NOT NULL,
  name_type TEXT NOT NULL,
  key TEXT NOT NULL,
  skeleton TEXT NOT NULL,
  countries TEXT NOT NULL,
  identifiers TEXT NOT NULL
) STRICT;
CREATE INDEX screen_entries_record ON screen_entries (record_id);
CREATE INDEX screen_entries_list ON screen_entries (source, list_ref);
CREATE VIRTUAL TABLE screen_fts USING fts5(key, skeleton, content='screen_entries', content_rowid='row_id', tokenize='trigram');
CREATE TRIGGER screen_entries_ai AFTER INSERT ON screen_entries BEGIN
  INSERT INTO screen_fts (rowid, key, skeleton) VALUES (new.row_id, new.key, new.skeleton);
END;
CREATE TRIGGER screen_entries_ad AFTER DELETE ON screen_entries BEGIN
  INSERT INTO screen_fts (screen_fts, rowid, key, skeleton) VALUES ('delete', old.row_id, old.key, old.skeleton);
END;
CREATE VIRTUAL TABLE screen_fts_terms USING fts5vocab('screen_fts', 'row');
CREATE TABLE screen_identifiers (
  ident TEXT NOT NULL,
  row_id INTEGER NOT NULL REFERENCES screen_entries(row_id) ON DELETE CASCADE,
  PRIMARY KEY (ident, row_id)
) STRICT, WITHOUT ROWID;
-- Records whose current version changed since they were indexed (indexing lags ingest; a metric shows it).
CREATE TABLE screen_queue (record_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO screen_queue SELECT id FROM records;
-- Reference lists imported (kept apart from partner records).
CREATE TABLE reference_lists (name TEXT PRIMARY KEY, source TEXT NOT NULL, entries INTEGER NOT NULL, imported_at TEXT NOT NULL, digest TEXT NOT NULL) STRICT;
`,
  },
  {
    version: 6,
    name: 'analyst-memory',
    sql: `
-- Analyst memory for screening: a hit dismissed as a false positive for one input; two parties linked
-- as the same (used by later screening; nothing is merged).
CREATE TABLE screen_dismissals (
  input_key TEXT NOT NULL,
  target TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (input_key, target)
) STRICT, WITHOUT ROWID;
CREATE TABLE party_links (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (a, b)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 7,
    name: 'screening-terms',
    sql: `
-- Candidate retrieval by terms (tokens, consonant skeletons, acronyms, joined words) with their
-- document frequency, so that rare words find candidates and weigh more in the ranking. The FTS5
-- trigram index stays for spelling variants. Record rows are re-indexed from the queue; list rows
-- get their terms at the next start (meta screening.terms-backfill).
ALTER TABLE screen_entries ADD COLUMN initials TEXT NOT NULL DEFAULT '';
CREATE TABLE screen_terms (
  term TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  PRIMARY KEY (term, row_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX screen_terms_row ON screen_terms (row_id);
CREATE TABLE screen_term_df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
CREATE TRIGGER screen_terms_ai AFTER INSERT ON screen_terms BEGIN
  INSERT INTO screen_term_df (term, n) VALUES (new.term, 1) ON CONFLICT (term) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER screen_terms_ad AFTER DELETE ON screen_terms BEGIN
  UPDATE screen_term_df SET n = n - 1 WHERE term = old.term;
END;
CREATE TRIGGER screen_entries_terms_ai AFTER INSERT ON screen_entries BEGIN
  INSERT INTO screen_term_df (term, n) VALUES ('#entries', 1) ON CONFLICT (term) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER screen_entries_terms_ad AFTER DELETE ON screen_entries BEGIN
  DELETE FROM screen_terms WHERE row_id = old.row_id;
  UPDATE screen_term_df SET n = n - 1 WHERE term = '#entries';
END;
DELETE FROM screen_entries WHERE source = 'record';
INSERT INTO screen_term_df (term, n) SELECT '#entries', count(*) FROM screen_entries;
INSERT OR IGNORE INTO screen_queue SELECT id FROM records;
INSERT INTO meta (key, value) SELECT 'screening.terms-backfill', '1' WHERE EXISTS (SELECT 1 FROM screen_entries);
`,
  },
  {
    version: 8,
    name: 'record-terms-one-index',
    sql: `
-- The record search looks terms up by record (EXISTS ... WHERE t.id = r.id), which the primary key
-- serves; the (kind, value) index was never needed and cost every stored version about 9 µs.
DROP INDEX record_terms_value;
`,
  },
  {
    // numbered 11: main holds 9 (personal-dismissals) and 10 (cross-version-review) from issue 13
    version: 11,
    name: 'screening-bulk-terms',
    sql: `
-- Screening (docs/screening.md): a person's surname and dates of birth weigh in the score; document
-- frequencies are counted per batch by store/screening.ts instead of by a trigger per term row (a
-- million names took five minutes to index with the triggers). The index is re-derived at start
-- (meta screening.format changes with this version).
ALTER TABLE screen_entries ADD COLUMN surname TEXT NOT NULL DEFAULT '';
ALTER TABLE screen_entries ADD COLUMN birth_dates TEXT NOT NULL DEFAULT '[]';
DROP TRIGGER screen_terms_ai;
DROP TRIGGER screen_terms_ad;
DROP TRIGGER screen_entries_terms_ai;
DROP TRIGGER screen_entries_terms_ad;
-- The trigram index is written per batch too (one INSERT … SELECT: a quarter of the per-row trigger's cost).
DROP TRIGGER screen_entries_ai;
-- Reference lists are imported in versions: a list row is seen by screening while its list's version
-- is at least list_from and below list_to (NULL: not superseded). An import writes the next version
-- beside the one in force and switches in one small transaction; an interrupted import leaves rows
-- no version sees, removed at the next start. entry_digest tells a re-import what changed.
ALTER TABLE screen_entries ADD COLUMN list_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE screen_entries ADD COLUMN list_to INTEGER;
ALTER TABLE screen_entries ADD COLUMN entry_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE reference_lists ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reference_lists ADD COLUMN format TEXT NOT NULL DEFAULT '';
ALTER TABLE reference_lists ADD COLUMN names INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reference_lists ADD COLUMN last_import TEXT NOT NULL DEFAULT '{}';
`,
  },
];
