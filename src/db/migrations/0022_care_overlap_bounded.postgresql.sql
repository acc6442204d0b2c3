-- SQLite's overlap triggers are bounded to a day in this migration (see the .sqlite.sql file).
-- PostgreSQL's exclusion constraints search a GiST index and need nothing; appointments are held
-- to a day here too, so both databases refuse the same rows.
ALTER TABLE care_appointments ADD CONSTRAINT care_appointments_at_most_a_day
  CHECK (ends_at - starts_at <= 86400);
