-- A diagnostic test's results (issue 17): recorded as the patient's observations by the records
-- module, in the transaction that writes this link, so a booking knows its results and a result
-- its booking. No foreign key to observations: that table is records' (reached through its
-- service), and a booking's link rows are written only with the rows they name.
CREATE TABLE care_test_results (
  booking_id BIGINT NOT NULL REFERENCES care_test_bookings (id),
  observation_id BIGINT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES accounts (id),
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (booking_id, observation_id)
);
