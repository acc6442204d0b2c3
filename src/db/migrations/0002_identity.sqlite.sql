-- Identity: accounts, profiles, sessions, one-time codes, rate limits, care links, consent
-- grants, break-glass and the hash-chained audit log. Times are fixed-width RFC 3339 UTC text.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('patient', 'doctor', 'admin')),
  status TEXT NOT NULL CHECK (status IN ('unverified', 'pending_approval', 'active', 'disabled')),
  full_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  email_verified_at TEXT
);

CREATE TABLE patient_profiles (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
  date_of_birth TEXT NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  phone TEXT
);

CREATE TABLE doctor_profiles (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
  licence_number TEXT NOT NULL,
  specialty TEXT NOT NULL,
  clinic TEXT NOT NULL,
  approved_at TEXT,
  approved_by INTEGER REFERENCES accounts (id)
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  family_id TEXT NOT NULL,
  refresh_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  replaced_by TEXT,
  revoked_at TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);
-- Revocation is recorded per family too, so a session a concurrent refresh adds to a revoked
-- family is dead on arrival.
CREATE TABLE revoked_session_families (
  family_id TEXT PRIMARY KEY,
  revoked_at TEXT NOT NULL
);
CREATE INDEX sessions_family ON sessions (family_id);

CREATE TABLE one_time_codes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  purpose TEXT NOT NULL,
  subject_id INTEGER,
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  consumed_at TEXT
);
CREATE INDEX one_time_codes_lookup ON one_time_codes (account_id, purpose, created_at);

CREATE TABLE rate_limits (
  bucket TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  hits INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  blocked_until TEXT
);

CREATE TABLE care_links (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE UNIQUE INDEX care_links_active ON care_links (patient_id, doctor_id) WHERE revoked_at IS NULL;

CREATE TABLE write_grants (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
  requested_at TEXT NOT NULL,
  activated_at TEXT,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX write_grants_pair ON write_grants (patient_id, doctor_id);

CREATE TABLE break_glass (
  id INTEGER PRIMARY KEY,
  admin_id INTEGER NOT NULL REFERENCES accounts (id),
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX break_glass_pair ON break_glass (admin_id, patient_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id INTEGER,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  patient_id INTEGER,
  client_address TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_patient ON audit_log (patient_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
