-- Discharge and other endings of a case.
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('PENDING_INTAKE', 'ACTIVE',
  'DISCHARGED', 'REVOKED', 'TRANSFERRED_OUT', 'DECEASED'));
ALTER TABLE cases
  ADD COLUMN closed_on date,
  ADD COLUMN discharge_certificate text NOT NULL DEFAULT '',
  ADD COLUMN discharge_announced boolean NOT NULL DEFAULT false,
  ADD COLUMN discharge_notice_on date;     -- discharge_approaching emitted on this day
-- The daily scan for cases near their end date.
CREATE INDEX cases_active_by_end ON cases (end_date) WHERE status = 'ACTIVE'
  AND discharge_notice_on IS NULL;

CREATE TABLE follow_ups (
  follow_up_id uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  due_on       date NOT NULL,
  done_on      date
);
CREATE INDEX follow_ups_by_case ON follow_ups (case_id, due_on);
