-- Observations stored by patient and time: a WITHOUT ROWID table keyed by (patient_id,
-- effective_at, id) keeps each patient's readings next to each other in the file, in the order
-- every record read wants them (latest first, timeline, series, export). In a table numbered by
-- rowid a clinic's readings arrive interleaved across patients, so a page of 50 readings was 50
-- rows on up to 50 different pages, each reached through the index; now it is a few adjacent
-- leaf pages. New ids are the largest + 1 (see records/store.hpp), found through the unique
-- index on id, which also backs the corrections' foreign key.
--
-- The table is rebuilt in this one transaction. On a large file that takes a while (10 million
-- observations: 2 min 22 s on the 2-core machine) and the file grows by the new table's size
-- (3.6 GB to 5.6 GB there, the write-ahead log as much again until it is checkpointed): the old
-- table's pages stay in the file as free pages that later writes reuse, and VACUUM, run while
-- the server is stopped, gives them back to the file system.
CREATE TABLE observations_by_patient (
  id INTEGER NOT NULL,
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
  supersedes INTEGER REFERENCES observations_by_patient (id),
  correction_reason TEXT,
  PRIMARY KEY (patient_id, effective_at, id)
) WITHOUT ROWID;
-- Before the copy: the foreign key on supersedes needs a unique index on id to check against.
CREATE UNIQUE INDEX observations_id ON observations_by_patient (id);
INSERT INTO observations_by_patient (id, patient_id, code, value, unit, original_value,
    original_unit, effective_at, source, recorded_by, recorded_at, status, supersedes,
    correction_reason)
  SELECT id, patient_id, code, value, unit, original_value, original_unit, effective_at, source,
      recorded_by, recorded_at, status, supersedes, correction_reason
  FROM observations ORDER BY patient_id, effective_at, id;
DROP TABLE observations;
-- Renaming also rewrites the table's own reference (supersedes) to the new name.
ALTER TABLE observations_by_patient RENAME TO observations;
-- observations_patient_time is the primary key now.
CREATE INDEX observations_patient_code ON observations (patient_id, code, effective_at);
CREATE UNIQUE INDEX observations_supersedes ON observations (supersedes) WHERE supersedes IS NOT NULL;
