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
];
