-- One owner per table (issue 15): the clinical part of the patient profile leaves identity's
-- patient_profiles for records' own clinical_profiles, one row per patient, every row and value
-- kept (clinical_updated_at becomes updated_at). patient_profiles keeps what identity owns:
-- date of birth, sex, phone. A patient who signs up later gets a clinical row when records first
-- writes or locks their clinical profile; until then it reads as these defaults.
CREATE TABLE clinical_profiles (
  patient_id BIGINT PRIMARY KEY REFERENCES accounts (id),
  address_line1 TEXT NOT NULL DEFAULT '',
  address_line2 TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  -- English/Welsh/Scottish/N. Irish local-authority code (E09000007) or ''.
  area_code TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  blood_group TEXT NOT NULL DEFAULT 'unknown'
    CHECK (blood_group IN ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', 'unknown')),
  no_known_allergies INTEGER NOT NULL DEFAULT 0 CHECK (no_known_allergies IN (0, 1)),
  -- Of the clinical part; '' = never set.
  updated_at TEXT NOT NULL DEFAULT ''
);

INSERT INTO clinical_profiles (patient_id, address_line1, address_line2, city, area_code,
                               postcode, blood_group, no_known_allergies, updated_at)
  SELECT account_id, address_line1, address_line2, city, area_code, postcode, blood_group,
         no_known_allergies, clinical_updated_at
  FROM patient_profiles;

-- Their CHECK constraints go with them.
ALTER TABLE patient_profiles DROP COLUMN address_line1;
ALTER TABLE patient_profiles DROP COLUMN address_line2;
ALTER TABLE patient_profiles DROP COLUMN city;
ALTER TABLE patient_profiles DROP COLUMN area_code;
ALTER TABLE patient_profiles DROP COLUMN postcode;
ALTER TABLE patient_profiles DROP COLUMN blood_group;
ALTER TABLE patient_profiles DROP COLUMN no_known_allergies;
ALTER TABLE patient_profiles DROP COLUMN clinical_updated_at;
