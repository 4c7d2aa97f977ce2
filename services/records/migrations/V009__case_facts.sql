-- The case facts last published on the bus (docs/events.md, "Case facts"). NULL for a case opened
-- before case_opened carried them: the facts scan sends it one case_facts_snapshot, then follows
-- its age band like any other open case's.
ALTER TABLE cases ADD COLUMN facts_published_at timestamptz;
ALTER TABLE cases ADD COLUMN facts_age_band text;
CREATE INDEX cases_facts_unpublished ON cases (case_id) WHERE facts_published_at IS NULL;
