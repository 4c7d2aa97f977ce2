-- The states on one day (RunSnapshot, RunReport: PgReportingStore's reporting_states_on): the
-- spans holding the day, `daterange(valid_from, valid_to) @> day` (valid_from <= day < valid_to,
-- a NULL valid_to unbounded). The btree case_span_from could only bound valid_from, so a day
-- read every span begun before it: after 5 years of a city (327,429 spans, 30,095 on the day;
-- docs/benchmarks.md, "Reporting's daily report") a sequential scan of 314 ms. A GiST index on
-- the range finds the day's spans directly (28 ms there), for today as for any past day. Spans
-- are never empty or reversed (domain::BuildTimeline writes valid_from < valid_to).
CREATE INDEX case_span_days ON case_span USING gist (daterange(valid_from, valid_to));
