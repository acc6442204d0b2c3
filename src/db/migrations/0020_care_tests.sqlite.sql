-- Diagnostic tests (src/care, issue 17): a catalogue of tests (duration, price in minor currency
-- units, preparation), what each diagnostic centre offers with an hourly capacity, the hours it
-- takes bookings, and bookings with a unique human-readable token.
-- Capacity is the database's: one counter row per (centre, test, hour) whose CHECK keeps
-- booked between 0 and capacity, raised by a conditional UPDATE whose row count the service
-- checks; a booking and its counter change in one transaction.
CREATE TABLE care_tests (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('blood', 'imaging', 'cardiac', 'check_up', 'other')),
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  currency TEXT NOT NULL,
  preparation TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- A centre offers a test: how many may start in each hour it takes bookings.
CREATE TABLE care_test_offers (
  centre_id INTEGER NOT NULL REFERENCES care_clinics (id),
  test_id INTEGER NOT NULL REFERENCES care_tests (id),
  per_hour INTEGER NOT NULL CHECK (per_hour BETWEEN 1 AND 1000),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  PRIMARY KEY (centre_id, test_id)
);
CREATE INDEX care_test_offers_test ON care_test_offers (test_id, centre_id);

-- The weekly hours a centre takes test bookings (local minutes; hourly slots from the start).
CREATE TABLE care_centre_hours (
  id INTEGER PRIMARY KEY,
  centre_id INTEGER NOT NULL REFERENCES care_clinics (id),
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (end_minute >= start_minute + 60)
);
CREATE INDEX care_centre_hours_centre ON care_centre_hours (centre_id);

-- Places taken in one hour of one test at one centre (UTC Unix seconds of the hour's start).
CREATE TABLE care_test_capacity (
  centre_id INTEGER NOT NULL REFERENCES care_clinics (id),
  test_id INTEGER NOT NULL REFERENCES care_tests (id),
  starts_at INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  booked INTEGER NOT NULL,
  PRIMARY KEY (centre_id, test_id, starts_at),
  CHECK (booked >= 0 AND booked <= capacity)
);

CREATE TABLE care_test_bookings (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  centre_id INTEGER NOT NULL REFERENCES care_clinics (id),
  test_id INTEGER NOT NULL REFERENCES care_tests (id),
  starts_at INTEGER NOT NULL,
  price_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled')),
  booked_by INTEGER NOT NULL REFERENCES accounts (id),
  booked_at TEXT NOT NULL,
  changed_by INTEGER REFERENCES accounts (id),
  changed_at TEXT,
  cancel_reason TEXT
);
CREATE INDEX care_test_bookings_patient ON care_test_bookings (patient_id, starts_at, id);
CREATE INDEX care_test_bookings_centre ON care_test_bookings (centre_id, starts_at, id);
-- One booking of a test in one hour per patient (a double tap books once).
CREATE UNIQUE INDEX care_test_bookings_once ON care_test_bookings (patient_id, centre_id, test_id,
  starts_at) WHERE status = 'booked';
