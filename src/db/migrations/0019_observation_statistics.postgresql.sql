-- Query-planner statistics for observations (issue 16; see the .sqlite.sql file). PostgreSQL
-- keeps its own statistics up to date (autovacuum's ANALYZE); this only makes sure a database
-- upgraded with many readings has them from the start.
ANALYZE observations;
