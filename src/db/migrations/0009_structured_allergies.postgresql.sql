-- Allergies become structured (issue 14): the substance as typed, the reaction, the severity, and
-- what the substance was understood as when saved (ingredient and drug-class keys, one per line)
-- so that prescribing can be checked against them. The free-text allergies of
-- patient_profile_items move here unchanged (severity 'unknown', to be understood when read).
-- A profile may also say, explicitly, that the patient has no known allergies.
-- Prescriptions keep an override of the safety check: the warnings the doctor overrode (one per
-- line) and the reason.
CREATE TABLE patient_allergies (
  patient_id BIGINT NOT NULL REFERENCES accounts (id),
  position INTEGER NOT NULL,
  substance TEXT NOT NULL,
  reaction TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL DEFAULT 'unknown'
    CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
  ingredients TEXT NOT NULL DEFAULT '',
  classes TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (patient_id, position)
);
INSERT INTO patient_allergies (patient_id, position, substance)
  SELECT patient_id, position, text FROM patient_profile_items WHERE kind = 'allergy';
DELETE FROM patient_profile_items WHERE kind = 'allergy';

ALTER TABLE patient_profiles ADD COLUMN no_known_allergies INTEGER NOT NULL DEFAULT 0
  CHECK (no_known_allergies IN (0, 1));

ALTER TABLE prescriptions ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE prescriptions ADD COLUMN override_warnings TEXT NOT NULL DEFAULT '';
