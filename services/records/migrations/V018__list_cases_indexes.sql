-- Indexes of ListCases and the medical list at a million cases (docs/benchmarks.md, "City
-- scale", issue 18). ListCases of an office (records_list_cases_by_office) walked the primary
-- key and filtered: an office holds 1 in 200 of a city's cases (6,300 buffers, 34 ms).
CREATE INDEX cases_by_office ON cases (office_id, case_id);
-- The medical list (records_medical_candidates): the active cases temporarily outside prison
-- (暂予监外执行), a few hundred in a city, by district then case id; without a district the
-- branch reads them all (a few hundred) and sorts.
CREATE INDEX cases_outside_prison ON cases (district_code, case_id)
  WHERE status = 'ACTIVE' AND sentence_kind = 'TEMPORARY_OUTSIDE_PRISON';
