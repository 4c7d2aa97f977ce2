-- The offence date (decides a minor's case when the judgment states it), the discharge summary
-- and the post-discharge follow-up visits.
ALTER TABLE cases
  ADD COLUMN offence_date date,
  ADD COLUMN discharge_summary_on date;   -- 个人总结 received

ALTER TABLE follow_ups
  ADD COLUMN visited_by text,
  ADD COLUMN notes text,
  ADD COLUMN recorded_at timestamptz;
-- Follow-ups still to make, by due day (the due list).
CREATE INDEX follow_ups_open_by_due ON follow_ups (due_on) WHERE done_on IS NULL;
