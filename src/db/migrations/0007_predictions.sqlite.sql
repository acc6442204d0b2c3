-- A patient's stored risk predictions and saved symptom checks: what was asked (inputs, which
-- came from the record), what the model answered and who asked. Never updated.
CREATE TABLE predictions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  model TEXT NOT NULL,
  model_version TEXT NOT NULL,
  probability REAL,
  risk_class TEXT,
  summary TEXT NOT NULL,
  result TEXT NOT NULL,
  requested_by INTEGER NOT NULL REFERENCES accounts (id),
  created_at TEXT NOT NULL
);
CREATE INDEX predictions_patient_time ON predictions (patient_id, created_at, id);
