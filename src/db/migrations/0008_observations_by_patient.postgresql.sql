-- Nothing to do on PostgreSQL. Its tables are heaps in arrival order and cannot be kept ordered
-- by patient (CLUSTER orders a table once, not the rows that come after); reads of a patient's
-- observations go through observations_patient_time as before. The SQLite file of this version
-- stores observations by patient and time.
SELECT 1;
