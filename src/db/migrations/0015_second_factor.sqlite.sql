-- Two-step sign-in (issue 16): an authenticator app's TOTP secret (RFC 6238) per account,
-- sealed under the "totp" key (XChaCha20-Poly1305, nonce and tag inside `sealed_secret`, the
-- account id as associated data); single-use recovery codes stored as keyed hashes; and the
-- short-lived challenges a correct password answers with when the account has a second factor.
CREATE TABLE second_factors (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
  sealed_secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- NULL while enrolment waits for its first code; set once it is on.
  confirmed_at TEXT,
  -- The last time step whose code was accepted: a code is used at most once.
  last_step INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id, code_hash);

CREATE TABLE second_factor_challenges (
  id_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  used_at TEXT
);
CREATE INDEX second_factor_challenges_account ON second_factor_challenges (account_id);
