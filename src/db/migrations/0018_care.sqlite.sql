-- Scheduling (src/care): the directory (specialties, clinics and diagnostic centres, where each
-- doctor practises and in which specialties), doctors' weekly hours and exceptions, appointments
-- and the idempotency keys of bookings. Times of appointments are whole Unix seconds (UTC).
-- No two booked appointments of one doctor, or of one patient, overlap: SQLite has no exclusion
-- constraints, so triggers refuse (RAISE(ABORT)) an insert or update that would overlap a booked
-- row of the same doctor or patient. They run inside the write transaction, and SQLite has one
-- writer at a time, so two racing bookings cannot both pass (PostgreSQL: exclusion constraints).
CREATE TABLE care_specialties (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE care_clinics (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('clinic', 'hospital', 'diagnostic_centre')),
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  city TEXT NOT NULL,
  postcode TEXT NOT NULL,
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  phone TEXT NOT NULL,
  opening_hours TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  services TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  updated_at TEXT NOT NULL
);
CREATE INDEX care_clinics_position ON care_clinics (latitude, longitude);

-- Where a doctor (an identity account) practises; rows are deactivated, never deleted.
CREATE TABLE care_practices (
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  clinic_id INTEGER NOT NULL REFERENCES care_clinics (id),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  PRIMARY KEY (doctor_id, clinic_id)
);
CREATE INDEX care_practices_clinic ON care_practices (clinic_id, doctor_id);

CREATE TABLE care_doctor_specialties (
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  specialty_id INTEGER NOT NULL REFERENCES care_specialties (id),
  PRIMARY KEY (doctor_id, specialty_id)
);
CREATE INDEX care_doctor_specialties_specialty ON care_doctor_specialties (specialty_id, doctor_id);

-- Weekly hours: ISO weekday (1 = Monday), local start and end in minutes after midnight.
CREATE TABLE care_weekly_hours (
  id INTEGER PRIMARY KEY,
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  clinic_id INTEGER NOT NULL REFERENCES care_clinics (id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
  buffer_minutes INTEGER NOT NULL CHECK (buffer_minutes BETWEEN 0 AND 240),
  CHECK (end_minute > start_minute)
);
CREATE INDEX care_weekly_hours_doctor ON care_weekly_hours (doctor_id, clinic_id);

-- Exceptions on local dates: leave (a doctor, any clinic when clinic_id is NULL), an extra
-- session (a doctor at a clinic, with its hours), a clinic closed (no doctor).
CREATE TABLE care_exceptions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('leave', 'extra', 'closed')),
  doctor_id INTEGER REFERENCES accounts (id),
  clinic_id INTEGER REFERENCES care_clinics (id),
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  start_minute INTEGER NOT NULL DEFAULT 0,
  end_minute INTEGER NOT NULL DEFAULT 0,
  slot_minutes INTEGER NOT NULL DEFAULT 0,
  buffer_minutes INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  CHECK (last_day >= first_day)
);
CREATE INDEX care_exceptions_doctor ON care_exceptions (doctor_id, last_day);
CREATE INDEX care_exceptions_clinic ON care_exceptions (clinic_id, last_day);

CREATE TABLE care_appointments (
  id INTEGER PRIMARY KEY,
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  clinic_id INTEGER NOT NULL REFERENCES care_clinics (id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('in_person', 'telehealth')),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'completed', 'no_show', 'cancelled')),
  booked_by INTEGER NOT NULL REFERENCES accounts (id),
  booked_at TEXT NOT NULL,
  changed_by INTEGER REFERENCES accounts (id),
  changed_at TEXT,
  cancel_reason TEXT,
  CHECK (ends_at > starts_at)
);
CREATE INDEX care_appointments_doctor_time ON care_appointments (doctor_id, starts_at, id);
CREATE INDEX care_appointments_patient_time ON care_appointments (patient_id, starts_at, id);


CREATE TRIGGER care_appointments_no_overlap_insert BEFORE INSERT ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
END;
CREATE TRIGGER care_appointments_no_overlap_update BEFORE UPDATE ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND id <> NEW.id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND id <> NEW.id AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
END;

-- A booking's Idempotency-Key: the first answer of (account, key), so a retry books nothing new.
CREATE TABLE care_idempotency (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  idem_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  appointment_id INTEGER NOT NULL REFERENCES care_appointments (id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (account_id, idem_key)
);
