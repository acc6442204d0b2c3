-- Booking read each of the doctor's (and the patient's) appointments of the day before the slot,
-- in the table, three times: the check that the slot is free and the two no-overlap triggers
-- (migration 0022), a row lookup for each index entry to see its end and status. The bench
-- (bench/care.py, a doctor booked round the clock) spent a third of the server's time there.
--
-- The (person, start) indexes now carry the end and the status, so those reads stay in the
-- index, and the triggers ask one question instead of scanning: a person's booked appointments
-- never overlap (these triggers have held that since migration 0018), so, ordered by start, they
-- are ordered by end too, and the latest one starting before the new end is the only one that
-- can reach past the new start. One index step, however busy the day.
DROP INDEX care_appointments_doctor_time;
DROP INDEX care_appointments_patient_time;
CREATE INDEX care_appointments_doctor_time ON care_appointments (doctor_id, starts_at, ends_at, status);
CREATE INDEX care_appointments_patient_time ON care_appointments (patient_id, starts_at, ends_at, status);

DROP TRIGGER care_appointments_no_overlap_insert;
DROP TRIGGER care_appointments_no_overlap_update;
CREATE TRIGGER care_appointments_no_overlap_insert BEFORE INSERT ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_longer_than_a_day') WHERE NEW.ends_at - NEW.starts_at > 86400;
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE (
    SELECT ends_at FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND starts_at < NEW.ends_at ORDER BY starts_at DESC LIMIT 1) > NEW.starts_at;
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE (
    SELECT ends_at FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND starts_at < NEW.ends_at ORDER BY starts_at DESC LIMIT 1) > NEW.starts_at;
END;
CREATE TRIGGER care_appointments_no_overlap_update BEFORE UPDATE ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_longer_than_a_day') WHERE NEW.ends_at - NEW.starts_at > 86400;
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE (
    SELECT ends_at FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND id <> NEW.id AND starts_at < NEW.ends_at ORDER BY starts_at DESC LIMIT 1) > NEW.starts_at;
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE (
    SELECT ends_at FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND id <> NEW.id AND starts_at < NEW.ends_at ORDER BY starts_at DESC LIMIT 1) > NEW.starts_at;
END;
