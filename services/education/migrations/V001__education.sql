-- Education: cases as education follows them from ccms.records.v1, their leaves, and the service
-- file (建档) with the first contact (接触), seed standard 6.1-6.3.

-- A case as education knows it (facts from records; codes and dates only).
CREATE TABLE cases (
  case_id               uuid PRIMARY KEY,
  district_code         text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  office_id             text NOT NULL DEFAULT '',
  status                text NOT NULL CHECK (status IN ('PENDING_INTAKE', 'ACTIVE', 'CLOSED')),
  minor                 boolean NOT NULL DEFAULT false,
  sex                   text NOT NULL DEFAULT '',
  age_band              text NOT NULL DEFAULT '',
  offence_category      text NOT NULL DEFAULT '',
  supervision_start     date,
  supervision_end       date,
  intake_reported_on    date,
  intake_announced_on   date,
  closed_on             date,
  -- Computed from the intake report with the policy in force that day (docs/education.md).
  first_contact_due_on  date,
  service_file_due_on   date,
  due_policy_version    text NOT NULL DEFAULT '',
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_district ON cases (district_code, case_id);

-- Leaves approved in records: the days a person is away (overlapping sessions are excused).
CREATE TABLE case_leaves (
  leave_id     text PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  status       text NOT NULL,
  start_date   date NOT NULL,
  end_date     date NOT NULL,
  returned_on  date,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_leaves_by_case ON case_leaves (case_id, start_date);

-- The service file: one per case. The analysis is free text that stays here (never on the bus).
CREATE TABLE service_files (
  case_id      uuid PRIMARY KEY REFERENCES cases (case_id),
  file_id      uuid NOT NULL UNIQUE,
  opened_on    date NOT NULL,
  cause_codes  text[] NOT NULL,
  need_codes   text[] NOT NULL,
  analysis     text NOT NULL DEFAULT '',
  opened_by    text NOT NULL,
  late         boolean NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- The first contact after intake: one per case.
CREATE TABLE first_contacts (
  case_id       uuid PRIMARY KEY REFERENCES cases (case_id),
  contact_id    uuid NOT NULL UNIQUE,
  contacted_on  date NOT NULL,
  form          text NOT NULL CHECK (form IN ('FACE_TO_FACE', 'HOME_VISIT', 'PHONE', 'REMOTE')),
  reason        text NOT NULL CHECK (reason IN ('INTAKE', 'REFERRAL')),
  worker_id     text NOT NULL,
  late          boolean NOT NULL,
  recorded_by   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
