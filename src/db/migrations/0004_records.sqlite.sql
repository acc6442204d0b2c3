-- Records: observations (vitals, labs, self-reported stats). One row per measurement, in the
-- catalogue's canonical UCUM unit, with what was entered kept beside it. A correction inserts a
-- new row that supersedes the old one, which is marked 'corrected': values are never updated.
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  code TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  original_value REAL NOT NULL,
  original_unit TEXT NOT NULL,
  effective_at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('self_reported', 'clinical')),
  recorded_by INTEGER NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('final', 'corrected', 'entered_in_error')),
  supersedes INTEGER REFERENCES observations (id),
  correction_reason TEXT
);
CREATE INDEX observations_patient_code ON observations (patient_id, code, effective_at);
CREATE INDEX observations_patient_time ON observations (patient_id, effective_at, id);
-- At most one correction per entry, enforced by the database.
CREATE UNIQUE INDEX observations_supersedes ON observations (supersedes) WHERE supersedes IS NOT NULL;
