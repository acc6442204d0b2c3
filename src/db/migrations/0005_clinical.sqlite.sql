-- Clinical records beside observations: the clinical part of the patient profile (address with
-- the local-authority area code, blood group, allergies, conditions, medications), encounters,
-- diagnoses, prescriptions and the symptom tracker. Each kind of entry has an index on
-- (patient_id, time, id): the timeline pages every kind by keyset over it.
ALTER TABLE patient_profiles ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_profiles ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_profiles ADD COLUMN city TEXT NOT NULL DEFAULT '';
-- English/Welsh/Scottish/N. Irish local-authority code (E09000007) or ''.
ALTER TABLE patient_profiles ADD COLUMN area_code TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_profiles ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE patient_profiles ADD COLUMN blood_group TEXT NOT NULL DEFAULT 'unknown'
  CHECK (blood_group IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', 'unknown'));
ALTER TABLE patient_profiles ADD COLUMN clinical_updated_at TEXT NOT NULL DEFAULT '';

-- Allergies, current conditions and current medications: one row per list item, in order.
CREATE TABLE patient_profile_items (
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  kind TEXT NOT NULL CHECK (kind IN ('allergy', 'condition', 'medication')),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (patient_id, kind, position)
);
CREATE INDEX patient_profile_items_text ON patient_profile_items (kind, text);

CREATE TABLE encounters (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  occurred_at TEXT NOT NULL,
  type TEXT NOT NULL
    CHECK (type IN ('consultation', 'follow_up', 'emergency', 'telehealth', 'home_visit', 'other')),
  reason TEXT NOT NULL,
  notes TEXT NOT NULL,
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL
);
CREATE INDEX encounters_patient_time ON encounters (patient_id, occurred_at, id);

CREATE TABLE diagnoses (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  description TEXT NOT NULL,
  icd10_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'resolved')),
  diagnosed_at TEXT NOT NULL,
  encounter_id INTEGER REFERENCES encounters (id),
  recorded_by INTEGER NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL,
  -- Set when a doctor resolves it later ('' / NULL until then).
  ended_at TEXT NOT NULL DEFAULT '',
  ended_by INTEGER REFERENCES accounts (id),
  end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX diagnoses_patient_time ON diagnoses (patient_id, diagnosed_at, id);

CREATE TABLE prescriptions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  medicine TEXT NOT NULL,
  strength TEXT NOT NULL,
  dose TEXT NOT NULL,
  frequency TEXT NOT NULL,
  duration TEXT NOT NULL,
  instructions TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'stopped')),
  prescribed_at TEXT NOT NULL,
  encounter_id INTEGER REFERENCES encounters (id),
  prescribed_by INTEGER NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL,
  -- Set when a doctor stops it later ('' / NULL until then).
  ended_at TEXT NOT NULL DEFAULT '',
  ended_by INTEGER REFERENCES accounts (id),
  end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX prescriptions_patient_time ON prescriptions (patient_id, prescribed_at, id);

-- Exactly one of symptom (a vocabulary key) and free_text is set; the other is ''.
CREATE TABLE symptom_entries (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  symptom TEXT NOT NULL,
  free_text TEXT NOT NULL,
  severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 10),
  onset_at TEXT NOT NULL,
  notes TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('self_reported', 'clinical')),
  recorded_by INTEGER NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL,
  CHECK ((symptom = '') <> (free_text = ''))
);
CREATE INDEX symptom_entries_patient_time ON symptom_entries (patient_id, onset_at, id);
