-- The topic positions a snapshot records (RunSnapshot, PgSnapshotStore::AppliedPositions): the
-- highest offset applied per topic and partition by the reporting group. Without an index the
-- inbox was read whole on every report run: after a rebuild of 5 years of a city's events
-- (about 3 million rows, docs/benchmarks.md "Reporting") that scan alone took 1-2.6 s. With it the
-- query visits one index entry per (group, topic, partition) and one per maximum.
CREATE INDEX inbox_positions ON inbox (consumer, topic, kafka_partition, kafka_offset);
