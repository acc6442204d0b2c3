-- Query-planner statistics for observations (issue 16, found by the soak). Without statistics
-- SQLite's planner answers "the latest height of patient P" or "P's glucose readings this week"
-- by walking every observation of P through the primary key (patient, time) and skipping the
-- other codes: one patient with 35,000 readings made every weight entry (its BMI check asks for
-- the latest height) read all 35,000 rows inside the write transaction, and every other write
-- waited for it. These rows describe a typical clinic's shape (about 1,000 readings a patient,
-- about 50 of each code, times nearly unique), which is what lets the planner pick the
-- (patient, code, time) index whenever a code is named; records' readings_test checks the plans.
-- `ANALYZE` run by an administrator replaces them with the real figures, which have the same
-- shape. `ANALYZE sqlite_schema` creates sqlite_stat1 when it is missing and reloads it.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl = 'observations';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
  ('observations', 'observations', '1000000 1000 1 1'),
  ('observations', 'observations_patient_code', '1000000 1000 50 1'),
  ('observations', 'observations_id', '1000000 1');
ANALYZE sqlite_schema;
