-- ListDueAssessments of one district (assessment_list_due) starts from the district's cases
-- that are not closed: 3% of a city's cases, where cases_by_district holds them all
-- (docs/benchmarks.md, "City scale", issue 18).
CREATE INDEX cases_open_by_district ON cases (district_code, case_id) WHERE status <> 'CLOSED';
