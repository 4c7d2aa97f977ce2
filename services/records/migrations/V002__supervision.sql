-- Records: supervision activities, lost contact, violations, the sanction ladder, commendations,
-- and the supervision level the assessment service decides.

ALTER TABLE cases
  ADD COLUMN supervision_level text CHECK (supervision_level IN ('STRICT', 'STANDARD', 'RELAXED')),
  ADD COLUMN level_effective_on date,
  ADD COLUMN level_policy_version text;

CREATE TABLE contacts (
  contact_id   uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  kind         text NOT NULL CHECK (kind IN ('CHECK_IN_IN_PERSON', 'CHECK_IN_PHONE',
                 'CHECK_IN_VIDEO', 'HOME_VISIT', 'WORKPLACE_VISIT', 'COMMUNITY_VISIT',
                 'SELF_REPORT')),
  occurred_on  date NOT NULL,
  notes        text NOT NULL DEFAULT '',
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_by_case ON contacts (case_id, occurred_on);

CREATE TABLE lost_contact_periods (
  period_id    uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  started_on   date NOT NULL,
  ended_on     date CHECK (ended_on IS NULL OR ended_on >= started_on),
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
-- At most one open period per case.
CREATE UNIQUE INDEX lost_contact_one_open ON lost_contact_periods (case_id) WHERE ended_on IS NULL;

CREATE TABLE violations (
  violation_id uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  kind         text NOT NULL,
  occurred_on  date NOT NULL,
  facts        text NOT NULL DEFAULT '',
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX violations_by_case ON violations (case_id, occurred_on);

CREATE TABLE sanctions (
  sanction_id   uuid PRIMARY KEY,
  case_id       uuid NOT NULL REFERENCES cases (case_id),
  kind          text NOT NULL CHECK (kind IN ('ADMONITION', 'WARNING',
                  'PUBLIC_SECURITY_REFERRAL', 'REVOCATION_REQUEST')),
  issued_on     date NOT NULL,
  grounds       text NOT NULL DEFAULT '',      -- revocation grounds, comma separated
  violation_ids text NOT NULL DEFAULT '',
  reason        text NOT NULL DEFAULT '',
  corrected_on  date,
  policy_version text NOT NULL,
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sanctions_by_case ON sanctions (case_id, issued_on);

CREATE TABLE commendations (
  commendation_id uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  recorded_on     date NOT NULL,
  reason          text NOT NULL DEFAULT '',
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commendations_by_case ON commendations (case_id, recorded_on);

-- Active cases of a district for the overdue lists.
CREATE INDEX cases_by_district_status ON cases (district_code, status, case_id);
