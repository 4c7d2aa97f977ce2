-- ListDueAssessments reads the open dues alone (assessment_list_due; docs/benchmarks.md, "City
-- scale", issue 18): each due carries its case's district, kept by the case's writes (the case
-- update moves its open dues along with it), so neither a district's first page nor the city's
-- joins the cases. With the join, the planner took `status <> 'CLOSED'` (97% of a city's cases
-- are closed) to discard nearly every due and sorted every open due up to the horizon (15,000
-- dues and as many case reads, 60,000 buffers, at a million cases) instead of reading the first
-- page in order.
ALTER TABLE assessment_dues ADD COLUMN district_code text;
UPDATE assessment_dues d SET district_code = c.district_code FROM cases c
  WHERE c.case_id = d.case_id;
ALTER TABLE assessment_dues ALTER COLUMN district_code SET NOT NULL;
-- An open due's case is not closed: the close cancels its open dues and the writes add none to a
-- closed case (PgAssessmentStore); dues left open on a closed case before that rule are
-- cancelled here (the list never showed them).
UPDATE assessment_dues d SET cancelled_at = now() FROM cases c
  WHERE c.case_id = d.case_id AND c.status = 'CLOSED' AND d.completed_at IS NULL
  AND d.cancelled_at IS NULL;
CREATE INDEX assessment_dues_open_by_district ON assessment_dues (district_code, due_on, due_id)
  WHERE completed_at IS NULL AND cancelled_at IS NULL;
