-- V008: the person's other obligations when openings are ranked (issue 15 item 3).

-- The education sessions a case is expected at, from education's enrolment_changed events
-- (consumer group ccms-employment-education; docs/employment.md "Education obligations"). One row
-- per case and session, its latest status; the ranking reads the ENROLLED ones of the coming weeks.
-- No foreign key to cases: education's topic may run ahead of records'.
CREATE TABLE case_education_sessions (
  case_id                uuid NOT NULL,
  session_id             uuid NOT NULL,
  district_code          text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  session_district_code  text NOT NULL,
  kind                   text NOT NULL,
  start_at               timestamptz NOT NULL,
  end_at                 timestamptz NOT NULL CHECK (end_at > start_at),
  status                 text NOT NULL CHECK (status IN ('ENROLLED', 'WAITLISTED', 'WITHDRAWN',
                                                        'SESSION_CANCELLED', 'SESSION_MOVED')),
  superseded_by          uuid,
  source_event_id        text NOT NULL,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, session_id)
);
CREATE INDEX case_education_sessions_enrolled ON case_education_sessions (case_id, start_at)
  WHERE status = 'ENROLLED';

-- An opening's weekly working time (Asia/Shanghai local time): ISO days of the week (1 = Monday)
-- and the shift's start and end in minutes after midnight; an end at or before the start ends the
-- next day (a night shift). No days: the opening gave no schedule (posted before V008, or none).
ALTER TABLE job_openings
  ADD COLUMN work_days smallint[] NOT NULL DEFAULT '{}',
  ADD COLUMN shift_start_minute integer NOT NULL DEFAULT 0
    CHECK (shift_start_minute BETWEEN 0 AND 1439),
  ADD COLUMN shift_end_minute integer NOT NULL DEFAULT 0
    CHECK (shift_end_minute BETWEEN 0 AND 1439),
  ADD CONSTRAINT job_openings_work_days CHECK (work_days <@ '{1,2,3,4,5,6,7}'::smallint[]);
