-- SQLite's no-overlap triggers (migration 0018) looked for a clash among every booked
-- appointment of the doctor (and of the patient) that starts before the new one ends: with the
-- (doctor, start) index that is a range from the first appointment ever, so each booking read the
-- doctor's whole history (the soak found bookings slowing as they piled up). An appointment lasts
-- at most a day (slots are at most 480 minutes; now refused above a day here too), so a clash can
-- only start less than a day before the new one: the range is bounded to that day.
DROP TRIGGER care_appointments_no_overlap_insert;
DROP TRIGGER care_appointments_no_overlap_update;
CREATE TRIGGER care_appointments_no_overlap_insert BEFORE INSERT ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_longer_than_a_day') WHERE NEW.ends_at - NEW.starts_at > 86400;
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND starts_at > NEW.starts_at - 86400 AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND starts_at > NEW.starts_at - 86400 AND starts_at < NEW.ends_at AND ends_at > NEW.starts_at);
END;
CREATE TRIGGER care_appointments_no_overlap_update BEFORE UPDATE ON care_appointments
WHEN NEW.status = 'booked'
BEGIN
  SELECT RAISE(ABORT, 'care_appointments_longer_than_a_day') WHERE NEW.ends_at - NEW.starts_at > 86400;
  SELECT RAISE(ABORT, 'care_appointments_doctor_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE doctor_id = NEW.doctor_id AND status = 'booked'
    AND id <> NEW.id AND starts_at > NEW.starts_at - 86400 AND starts_at < NEW.ends_at
    AND ends_at > NEW.starts_at);
  SELECT RAISE(ABORT, 'care_appointments_patient_overlap') WHERE EXISTS (
    SELECT 1 FROM care_appointments WHERE patient_id = NEW.patient_id AND status = 'booked'
    AND id <> NEW.id AND starts_at > NEW.starts_at - 86400 AND starts_at < NEW.ends_at
    AND ends_at > NEW.starts_at);
END;
