-- The (person, start) indexes carry the end and the status, so the busy reads of booking and of
-- free slots stay in the index (see the .sqlite.sql file; PostgreSQL's exclusion constraints
-- need no change).
DROP INDEX care_appointments_doctor_time;
DROP INDEX care_appointments_patient_time;
CREATE INDEX care_appointments_doctor_time ON care_appointments (doctor_id, starts_at) INCLUDE (ends_at, status);
CREATE INDEX care_appointments_patient_time ON care_appointments (patient_id, starts_at) INCLUDE (ends_at, status);
