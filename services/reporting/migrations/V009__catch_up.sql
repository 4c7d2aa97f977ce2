-- Catch-up mode of the projection consumer (docs/reporting.md "Catch-up"): while the consumer is
-- far behind (after `ccms-reporting --rebuild`, or a large backlog at start) a batch only keeps
-- its occurrences and marks the cases they touch dirty; at the end of the topics every dirty
-- case's time line, spans, flows, projection and worklist clock rows are built once, in chunks,
-- and the mode is switched off. Both rows are durable, so a crash mid-way resumes where it was.

-- The mode: one row. `active` while catching up (reports refuse to run: the figures are not
-- complete), with when and why it began ('rebuild' or 'backlog').
CREATE TABLE projection_catch_up (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  active      boolean NOT NULL,
  reason      text NOT NULL DEFAULT '',
  started_at  timestamptz
);
INSERT INTO projection_catch_up (singleton, active) VALUES (true, false);

-- The cases whose time lines are behind their occurrences (only while catching up).
CREATE TABLE dirty_case (
  case_id  text PRIMARY KEY
);
