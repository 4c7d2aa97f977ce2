-- V006: schooling support for minors; training withdrawn when the case closes.

-- Schooling support for minors (issue 15 item 7; seeds 7.11.1-7.11.2). An item belongs to a case
-- and reaches staff through the case's district (it follows transfers). The school's code is kept
-- only once the item is met and never goes on the bus.
CREATE TABLE schooling_items (
  item_id         uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  kind            text NOT NULL CHECK (kind IN ('COMPULSORY_EDUCATION', 'CONTINUED_SCHOOLING')),
  status          text NOT NULL
                    CHECK (status IN ('OPEN', 'MET', 'NOT_NEEDED', 'DECLINED', 'CANCELLED')),
  opened_on       date NOT NULL,
  -- The required item has a due day, the optional one none.
  due_on          date CHECK ((kind = 'COMPULSORY_EDUCATION') = (due_on IS NOT NULL)),
  closed_on       date CHECK ((status = 'OPEN') = (closed_on IS NULL)),
  liaison_count   integer NOT NULL DEFAULT 0 CHECK (liaison_count >= 0),
  last_step_on    date,
  school_code     text NOT NULL DEFAULT '' CHECK (school_code ~ '^([A-Z0-9_-]{2,32})?$'),
  policy_version  text NOT NULL,
  recorded_by     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- At most one open item of each kind per case.
CREATE UNIQUE INDEX schooling_items_one_open ON schooling_items (case_id, kind)
  WHERE status = 'OPEN';
CREATE INDEX schooling_items_open_by_due ON schooling_items (due_on, item_id)
  WHERE status = 'OPEN';

-- A case closed in records withdraws its training enrolments not completed: their places free
-- again (places taken count the enrolments not withdrawn).
ALTER TABLE training_enrolments DROP CONSTRAINT training_enrolments_status_check;
ALTER TABLE training_enrolments ADD CONSTRAINT training_enrolments_status_check
  CHECK (status IN ('ENROLLED', 'COMPLETED', 'WITHDRAWN'));
ALTER TABLE training_enrolments ADD COLUMN withdrawn_on date
  CHECK ((status = 'WITHDRAWN') = (withdrawn_on IS NOT NULL));
