-- Reminders (issue 17): one row per (what, which, at what time, hours before) once its reminder
-- has been
-- queued or deliberately skipped (a rescheduled appointment gets its reminders again), written in the same transaction as the outbox row. Its primary
-- key is the claim: a second process, or the same one after a restart, inserts nothing and so
-- sends nothing; a crash before the commit leaves neither row, and the next sweep sends it.
CREATE TABLE care_reminders (
  kind TEXT NOT NULL CHECK (kind IN ('appointment', 'test')),
  ref_id BIGINT NOT NULL,
  starts_at BIGINT NOT NULL,
  hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 720),
  outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
  at TEXT NOT NULL,
  PRIMARY KEY (kind, ref_id, starts_at, hours)
);
-- The sweep finds what starts soon across every doctor and centre.
CREATE INDEX care_appointments_due ON care_appointments (starts_at) WHERE status = 'booked';
CREATE INDEX care_test_bookings_due ON care_test_bookings (starts_at) WHERE status = 'booked';
-- Raised by every change of time or state, so calendars replace the entry (iCalendar SEQUENCE).
ALTER TABLE care_appointments ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
