-- Leave (请假外出) and standing approvals for routine cross-city work travel.

CREATE TABLE standing_approvals (
  standing_approval_id uuid PRIMARY KEY,
  case_id              uuid NOT NULL REFERENCES cases (case_id),
  destination          text NOT NULL,
  purpose              text NOT NULL DEFAULT '',
  valid_from           date NOT NULL,
  valid_until          date NOT NULL,
  granted_on           date NOT NULL,
  granted_by           text NOT NULL,
  revoked_on           date,
  revoked_by           text,
  revoke_reason        text NOT NULL DEFAULT '',
  policy_version       text NOT NULL,
  recorded_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until >= valid_from)
);
CREATE INDEX standing_approvals_by_case ON standing_approvals (case_id, valid_from);

CREATE TABLE leaves (
  leave_id             uuid PRIMARY KEY,
  case_id              uuid NOT NULL REFERENCES cases (case_id),
  status               text NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED',
                         'CANCELLED', 'RETURNED')),
  start_date           date NOT NULL,
  end_date             date NOT NULL,
  destination          text NOT NULL,
  reason               text NOT NULL DEFAULT '',
  requested_on         date NOT NULL,
  decision_due         date NOT NULL,
  approval_level       text NOT NULL CHECK (approval_level IN ('OFFICE', 'BUREAU', 'CITY',
                         'STANDING')),
  approval_rule        text NOT NULL DEFAULT '',
  standing_approval_id uuid REFERENCES standing_approvals (standing_approval_id),
  decided_on           date,
  decided_by           text NOT NULL DEFAULT '',
  decision_reason      text NOT NULL DEFAULT '',
  returned_on          date,
  days_late            integer NOT NULL DEFAULT 0,
  violation_id         uuid REFERENCES violations (violation_id),
  policy_version       text NOT NULL,
  requested_by         text NOT NULL,
  recorded_at          timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (end_date >= start_date),
  CHECK (status <> 'RETURNED' OR returned_on IS NOT NULL)
);
CREATE INDEX leaves_by_case ON leaves (case_id, start_date);
-- The not-returned list scans approved (and returned, for past as-of days) leaves by end date.
CREATE INDEX leaves_approved_by_end ON leaves (end_date)
  WHERE status IN ('APPROVED', 'RETURNED');
