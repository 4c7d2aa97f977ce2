-- V009: education's plan steps employment follows (issue 15 item 12: "follows ... education (plan
-- steps)"; docs/employment.md "Plan steps due").

-- Per case, what employment knows of its correction plan from education's plan_approved and
-- plan_closed (consumer group ccms-employment-education): the latest approved version and the
-- highest version closed. An older or repeated version changes nothing (domain/plan_step_rules.h).
-- No foreign key to cases: education's topic may run ahead of records'. district_code is the one
-- the event gave; the list reaches items through the case's district when employment knows the
-- case (it follows transfers), else through this one.
CREATE TABLE case_plans (
  case_id           uuid PRIMARY KEY,
  district_code     text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  approved_version  integer NOT NULL DEFAULT 0 CHECK (approved_version >= 0),
  version_id        uuid,
  approved_on       date,
  closed_version    integer NOT NULL DEFAULT 0 CHECK (closed_version >= 0),
  closed_on         date,
  policy_version    text NOT NULL DEFAULT '',
  source_event_id   text NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((approved_version = 0) = (approved_on IS NULL)),
  CHECK ((closed_version = 0) = (closed_on IS NULL))
);

-- The steps of the case's latest approved version (replaced as a whole by a newer version). A step
-- whose code the policy maps to employment work (employment.plan_steps.actions) has its action and
-- due day; whether it is met is read from the work itself when listed.
CREATE TABLE case_plan_steps (
  case_id     uuid NOT NULL REFERENCES case_plans (case_id),
  step_id     text NOT NULL CHECK (step_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  version     integer NOT NULL CHECK (version > 0),
  step_code   text NOT NULL CHECK (step_code ~ '^[A-Z0-9_]{1,40}$'),
  action      text NOT NULL DEFAULT '' CHECK (action IN ('', 'REFERRAL', 'TRAINING_ENROLMENT',
                                                         'SCHOOLING_SUPPORT', 'ASSISTANCE',
                                                         'HALFWAY_PLACEMENT')),
  start_date  date NOT NULL,
  end_date    date NOT NULL CHECK (end_date >= start_date),
  due_on      date CHECK ((action = '') = (due_on IS NULL)),
  PRIMARY KEY (case_id, step_id)
);
CREATE INDEX case_plan_steps_with_action ON case_plan_steps (due_on, case_id) WHERE action <> '';

-- What meets an item, by case and day (the lists read them per case).
CREATE INDEX schooling_items_by_case ON schooling_items (case_id, opened_on);
CREATE INDEX halfway_house_placements_by_case ON halfway_house_placements (case_id, admitted_on);
