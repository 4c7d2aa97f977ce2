-- The cases gauges (CaseMetrics, every 15 s) at a million cases: counting every case by district
-- and status was a parallel sequential scan of the whole table, 0.4-1.0 s on both cores of the
-- machine each time, and the never-reported count read the heap of every pending case
-- (docs/benchmarks.md, "The lists' tails at a million cases"). The open cases now count from this
-- index alone (index-only scans); the closed ones, which only grow, are counted every 10 minutes.
CREATE INDEX cases_open_counts ON cases (district_code, status, intake_deadline)
  WHERE status IN ('PENDING_INTAKE', 'ACTIVE');
