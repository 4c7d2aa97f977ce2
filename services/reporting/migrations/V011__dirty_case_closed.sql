-- Catch-up builds closed cases while it keeps (docs/reporting.md "Catch-up"): a dirty case
-- whose occurrences include its closing is most likely complete (a closed case's events end with
-- case_closed), so a second connection builds it while the consumer keeps reading, instead of
-- every case waiting for the end. A case marked again later is simply built again: the flag only
-- chooses what to build early, never whether a case is built.
ALTER TABLE dirty_case ADD COLUMN closed boolean NOT NULL DEFAULT false;
CREATE INDEX dirty_case_closed ON dirty_case (case_id) WHERE closed;
