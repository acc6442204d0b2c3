-- Account management and emergency access (issue 14): disabled and rejected accounts, what a
-- session is (device, address, when it started), break-glass by doctors as well as admins,
-- doctors' requests for access, and email changes waiting for the new address's code.
-- An account with an empty password_hash has none yet: registered at a desk (or its sign-up
-- repeated) and waiting to be claimed by whoever reads the address's email.
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
ALTER TABLE accounts ADD COLUMN disabled_reason TEXT;
ALTER TABLE accounts ADD COLUMN status_before_disable TEXT;

ALTER TABLE doctor_profiles ADD COLUMN rejected_at TEXT;
ALTER TABLE doctor_profiles ADD COLUMN rejected_by INTEGER REFERENCES accounts (id);
ALTER TABLE doctor_profiles ADD COLUMN rejection_reason TEXT;

ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_address TEXT;
-- When the session family began (sign-in); each refresh copies it to the new row.
ALTER TABLE sessions ADD COLUMN started_at TEXT;

ALTER TABLE break_glass RENAME COLUMN admin_id TO actor_id;
ALTER TABLE break_glass ADD COLUMN actor_role TEXT NOT NULL DEFAULT 'admin';

CREATE TABLE access_requests (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
  message TEXT NOT NULL DEFAULT '',
  requested_at TEXT NOT NULL,
  decided_at TEXT
);
-- One open request per doctor and patient.
CREATE UNIQUE INDEX access_requests_pending ON access_requests (patient_id, doctor_id)
  WHERE status = 'pending';
CREATE INDEX access_requests_patient ON access_requests (patient_id, id);
CREATE INDEX access_requests_doctor ON access_requests (doctor_id, patient_id, id);

CREATE TABLE email_changes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  new_email TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  confirmed_at TEXT
);
CREATE INDEX email_changes_account ON email_changes (account_id, id);
