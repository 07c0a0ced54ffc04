// Numbered migrations, applied in order at start. Never edit a released migration: add the next one.
import { INITIAL_MIGRATIONS } from './migrations-initial.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  ...INITIAL_MIGRATIONS,
  {
    version: 3,
    name: 'operations',
    sql: `
-- Signed audit checkpoints (docs/protocol.md §9): {seq, hash, iat} signed as entente-checkpoint+jws.
CREATE TABLE checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  iat INTEGER NOT NULL,
  jws TEXT NOT NULL
) STRICT;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;

-- Signing-key rotation (docs/protocol.md §3.5): a new key is announced per partner and used once every
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
-- Consultations (docs/records.md §9), one row per consultation on each side, and every message.
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
-- Screening index (docs/protocol.md §7): one row per name variant of every party of every held record and of
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
    version: 9,
    name: 'personal-dismissals',
    sql: `
-- A screening hit dismissed as a false positive is dismissed for the token that did it, not for
-- everyone (issue 13): the key gains the token. Earlier dismissals stay with the token that made them.
CREATE TABLE screen_dismissals_by (
  input_key TEXT NOT NULL,
  target TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (input_key, target, by)
) STRICT, WITHOUT ROWID;
INSERT INTO screen_dismissals_by (input_key, target, by, at, note) SELECT input_key, target, by, at, note FROM screen_dismissals;
DROP TABLE screen_dismissals;
ALTER TABLE screen_dismissals_by RENAME TO screen_dismissals;
`,
  },
  {
    version: 10,
    name: 'cross-version-review',
    sql: `
-- A received version that breaks a cross-version rule against the version held is applied, alarmed,
-- and the record labelled until an analyst reviews it (issue 13): the findings, a JSON array, or NULL.
ALTER TABLE records ADD COLUMN review TEXT;
`,
  },
  {
    version: 11,
    name: 'interop',
    sql: `
-- TAXII/STIX and CSV exports (docs/stix-mapping.md). A read-only role, consumer, for the tools that
-- read them (a CHECK changes only by rebuilding the table; nothing refers to tokens).
CREATE TABLE tokens_next (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'publisher', 'analyst', 'consumer')),
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
) STRICT;
INSERT INTO tokens_next (name, role, hash, created_at, revoked_at, last_used_at)
  SELECT name, role, hash, created_at, revoked_at, last_used_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_next RENAME TO tokens;
-- Per token: the highest TLP its exports carry and the TAXII collections it may read (JSON list of
-- aliases). No row: AMBER and no collection.
CREATE TABLE export_access (
  token TEXT PRIMARY KEY REFERENCES tokens(name),
  max_tlp TEXT NOT NULL CHECK (max_tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  collections TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
-- Which record a STIX id was made from (for match[id] and the object endpoints); filled on demand up
-- to the record_versions row in stix_index_state.
CREATE TABLE stix_index (stix_id TEXT PRIMARY KEY, record_id TEXT NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE stix_index_state (k INTEGER PRIMARY KEY CHECK (k = 1), upto INTEGER NOT NULL) STRICT;
INSERT INTO stix_index_state (k, upto) VALUES (1, 0);
`,
  },
  {
    version: 12,
    name: 'console-sessions',
    sql: `
-- Web console sessions (issue 17): started from an operator token, stored hashed; idle and absolute
-- expiry are checked on every request; a revoked token ends its sessions (the lookup joins tokens).
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  token_name TEXT NOT NULL REFERENCES tokens(name),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER,
  ended_by TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX console_sessions_token ON console_sessions (token_name);
-- What each person last looked at ("new from partners since I last looked"), by token name.
CREATE TABLE console_marks (token_name TEXT NOT NULL, mark TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (token_name, mark)) STRICT;
`,
  },
  {
    version: 13,
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
  {
    version: 14,
    name: 'token-expiry-and-metrics-role',
    sql: `
-- Token expiry (entente token create --expires 90d) and a read-only metrics role for Prometheus
-- scrapers (issue 15). A CHECK changes only by rebuilding the table; the two tables that refer to
-- tokens are set aside and rebuilt around it, so no foreign key ever points nowhere.
CREATE TEMP TABLE export_access_kept AS SELECT * FROM export_access;
CREATE TEMP TABLE console_sessions_kept AS SELECT * FROM console_sessions;
DROP TABLE export_access;
DROP TABLE console_sessions;
CREATE TABLE tokens_next (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'publisher', 'analyst', 'consumer', 'metrics')),
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT,
  expires_at TEXT
) STRICT;
INSERT INTO tokens_next (name, role, hash, created_at, revoked_at, last_used_at)
  SELECT name, role, hash, created_at, revoked_at, last_used_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_next RENAME TO tokens;
CREATE TABLE export_access (
  token TEXT PRIMARY KEY REFERENCES tokens(name),
  max_tlp TEXT NOT NULL CHECK (max_tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
  collections TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
INSERT INTO export_access SELECT * FROM temp.export_access_kept;
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  token_name TEXT NOT NULL REFERENCES tokens(name),
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER,
  ended_by TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX console_sessions_token ON console_sessions (token_name);
INSERT INTO console_sessions SELECT * FROM temp.console_sessions_kept;
DROP TABLE temp.export_access_kept;
DROP TABLE temp.console_sessions_kept;
`,
  },
  {
    version: 15,
    name: 'protocol-1.1-alerts',
    sql: `
-- entente/1.1 (docs/protocol.md §14). What each partner said it speaks (GET /v1/node), and when.
CREATE TABLE partner_protocol (
  partner TEXT PRIMARY KEY,
  versions TEXT NOT NULL,
  learned_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
-- Receiver side: every alert version received, its notification state and our acknowledgements.
CREATE TABLE alerts_in (
  partner TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('PRIORITY', 'FLASH')),
  action TEXT NOT NULL,
  expires_at TEXT,
  received_at TEXT NOT NULL,
  -- RECEIVED: 'pending' until sent, then 'sent'; 'not-sent' when the originator speaks 1.0
  received_ack TEXT NOT NULL DEFAULT 'pending',
  received_ack_at TEXT,
  final_state TEXT CHECK (final_state IN ('ACTIONED', 'NO_ACTION')),
  final_at TEXT,
  final_by TEXT,
  final_note TEXT,
  final_desk TEXT,
  final_sent INTEGER NOT NULL DEFAULT 0,
  -- a later version of the record (with or without alert) ends this one's escalation
  ended_at TEXT,
  PRIMARY KEY (partner, id, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX alerts_in_open ON alerts_in (final_state, ended_at);
-- Originator side: acknowledgements received, at most one RECEIVED and one final state per version.
CREATE TABLE acks_in (
  partner TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  slot TEXT NOT NULL CHECK (slot IN ('received', 'final')),
  state TEXT NOT NULL,
  note TEXT,
  desk TEXT,
  iat INTEGER NOT NULL,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (id, version, partner, slot)
) STRICT, WITHOUT ROWID;
-- Webhook deliveries of received alerts (written with the alert, sent after the commit, retried).
CREATE TABLE webhook_deliveries (
  row_id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  done_at TEXT,
  last_status TEXT
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (done_at, next_at);
CREATE INDEX releases_record ON releases (partner, record_id, record_version);
`,
  },
  {
    version: 16,
    name: 'console-speed',
    sql: `
-- Per partner: how many records it holds (not recalled). Kept by store/exchange.ts with every holdings
-- write, in that write's transaction, so the partner list and the sync dashboard never count(*) them.
CREATE TABLE holding_counts (partner TEXT PRIMARY KEY, held INTEGER NOT NULL) STRICT, WITHOUT ROWID;
INSERT INTO holding_counts (partner, held) SELECT partner, count(*) FROM holdings WHERE recalled = 0 GROUP BY partner;
-- Receipts by day (the sync charts): the cursor per day read from the index alone (up_to is in it).
CREATE INDEX receipts_in_day ON receipts_in (partner, stream, received_at, up_to);
-- Receipts that name quarantined releases (rare): the dashboard's "quarantined by them" reads only these.
CREATE INDEX receipts_in_rejected ON receipts_in (partner, stream) WHERE rejected <> '[]';
-- Records awaiting a cross-version review (rare): the partner's "to review" count reads only these.
CREATE INDEX records_review ON records (origin) WHERE review IS NOT NULL;
`,
  },
  {
    version: 17,
    name: 'exercise-reset',
    sql: `
-- An exercise node may be wiped of records, streams and consultations (docs/protocol.md §14.5): the
-- immutable tables allow a delete only on an exercise node, only while the reset's transaction has set
-- meta exercise.wiping (store/exercise.ts). On a live node every delete is refused, as before.
DROP TRIGGER record_versions_no_delete;
DROP TRIGGER releases_no_delete;
DROP TRIGGER inbound_no_delete;
DROP TRIGGER consultation_messages_no_delete;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'exercise.wiping') OR NOT EXISTS (SELECT 1 FROM meta WHERE key = 'mode' AND value = 'exercise')
  BEGIN SELECT RAISE(ABORT, 'record versions are immutable'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'exercise.wiping') OR NOT EXISTS (SELECT 1 FROM meta WHERE key = 'mode' AND value = 'exercise')
  BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;
CREATE TRIGGER inbound_no_delete BEFORE DELETE ON inbound
  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'exercise.wiping') OR NOT EXISTS (SELECT 1 FROM meta WHERE key = 'mode' AND value = 'exercise')
  BEGIN SELECT RAISE(ABORT, 'inbound evidence is immutable'); END;
CREATE TRIGGER consultation_messages_no_delete BEFORE DELETE ON consultation_messages
  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'exercise.wiping') OR NOT EXISTS (SELECT 1 FROM meta WHERE key = 'mode' AND value = 'exercise')
  BEGIN SELECT RAISE(ABORT, 'messages are immutable'); END;
`,
  },
];
