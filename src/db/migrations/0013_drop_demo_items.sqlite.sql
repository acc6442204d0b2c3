-- The demo items route (/api/v1/demo/items) is retired (issue 15): its platform tests and
-- benchmarks use real routes now, and its stand-in table goes.
DROP TABLE IF EXISTS demo_items;
