-- Monitoring: alerts raised by the rules in config/alert_rules.json, in-app notifications, and
-- the indexed patient name search (search_name + one row per word of the name).
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  rule_id TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  trigger_type TEXT NOT NULL,
  trigger_id INTEGER,
  raised_at TEXT NOT NULL,
  acknowledged_at TEXT,
  acknowledged_by INTEGER REFERENCES accounts (id),
  resolved_at TEXT,
  resolved_by INTEGER REFERENCES accounts (id)
);
-- Raised once: at most one unresolved alert per patient and rule.
CREATE UNIQUE INDEX alerts_unresolved ON alerts (patient_id, rule_id) WHERE status <> 'resolved';
CREATE INDEX alerts_patient ON alerts (patient_id, status, id);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  kind TEXT NOT NULL,
  patient_id INTEGER REFERENCES accounts (id),
  alert_id INTEGER REFERENCES alerts (id),
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_account ON notifications (account_id, id);

-- A doctor's patients (the alerts inbox and the patient list start here).
CREATE INDEX care_links_doctor ON care_links (doctor_id, patient_id) WHERE revoked_at IS NULL;

-- Patient search: the name folded (lower case, accents stripped) and each of its words, so a
-- prefix of any word is an index range scan. Filled by the server at start for older rows.
ALTER TABLE accounts ADD COLUMN search_name TEXT;
CREATE INDEX accounts_search_name ON accounts (search_name, id);
CREATE TABLE account_name_tokens (
  token TEXT NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  PRIMARY KEY (token, account_id)
);
CREATE INDEX account_name_tokens_account ON account_name_tokens (account_id, token);
