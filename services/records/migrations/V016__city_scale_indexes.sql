-- Indexes the lists need with a million cases behind them (docs/benchmarks.md, "City scale").
-- The discharge list (records_discharge_candidates: active cases whose term has ended, by case
-- id) had no index it could use: cases_active_by_end also asks discharge_notice_on IS NULL, which
-- the list does not, so its generic plan read every case id above the page token (1,000,000
-- index entries a call in a city). Active cases by end date: only the ones due are read.
CREATE INDEX cases_active_due ON cases (end_date, case_id) WHERE status = 'ACTIVE';
-- The overdue list (records_overdue_candidates) pages through the open cases of a district by case
-- id; 3% of a city's cases are open, and the scan of cases_by_district read the closed ones too.
CREATE INDEX cases_open_by_district ON cases (district_code, case_id)
  WHERE status IN ('PENDING_INTAKE', 'ACTIVE');
