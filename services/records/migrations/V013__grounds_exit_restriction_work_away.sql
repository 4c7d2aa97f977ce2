-- Admonition and warning grounds (Measures 2020), the exit-restriction filing (限制出境报备) and
-- work away from home (外出务工).

-- The severity staff state for a prohibition-order breach (禁止令): MINOR is a warning ground,
-- SERIOUS a revocation ground. Empty for other kinds and for breaches recorded before V013.
ALTER TABLE violations ADD COLUMN severity text NOT NULL DEFAULT ''
  CHECK (severity IN ('', 'MINOR', 'SERIOUS'));

-- Absences from education after notice (ABSENT_AFTER_NOTICE), as the education service reported
-- them on ccms.education.v1: an admonition ground, not a sanction. One row per case and session;
-- a later attendance of the same session with another outcome removes it.
CREATE TABLE education_absences (
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  session_id      text NOT NULL,
  session_day     date NOT NULL,
  event_id        text NOT NULL,
  policy_version  text NOT NULL DEFAULT '',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, session_id)
);

-- The exit-restriction filing with the exit-and-entry authority at intake, and its lifting at
-- discharge: at most one of each per case.
CREATE TABLE exit_restriction_filings (
  filing_id        uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  action           text NOT NULL CHECK (action IN ('FILED', 'LIFTED')),
  done_on          date NOT NULL,
  authority        text NOT NULL CHECK (authority <> ''),
  document_number  text NOT NULL DEFAULT '',
  policy_version   text NOT NULL,
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, action)
);

-- A standing approval for work away from home states the conditions it was granted on.
ALTER TABLE standing_approvals
  ADD COLUMN work_away           boolean NOT NULL DEFAULT false,
  ADD COLUMN guarantor           boolean NOT NULL DEFAULT false,
  ADD COLUMN fixed_residence     boolean NOT NULL DEFAULT false,
  ADD COLUMN job_held_since      date,
  ADD COLUMN relative_assisting  boolean NOT NULL DEFAULT false;
