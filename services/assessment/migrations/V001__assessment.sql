-- Assessment: instruments in use, cases as assessment follows them, assessments, dues, the
-- points ledger (积分), supervision levels with their reasons, crisis flags, audit.

-- Every shipped instrument version with the SHA-256 of its file. A version that has been used
-- (an assessment references it) may never change: the service refuses to start if its file did.
CREATE TABLE instrument_versions (
  instrument_id  text NOT NULL,
  version        integer NOT NULL,
  sha256         text NOT NULL,
  registered_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (instrument_id, version)
);

-- A case as assessment knows it: facts followed from ccms.records.v1 (or fetched from records'
-- GetCase) and the state assessment owns: risk, key attention, level and its reasons.
CREATE TABLE cases (
  case_id               uuid PRIMARY KEY,
  district_code         text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  office_id             text NOT NULL DEFAULT '',
  status                text NOT NULL CHECK (status IN ('PENDING_INTAKE', 'ACTIVE', 'CLOSED')),
  minor                 boolean NOT NULL DEFAULT false,
  supervision_start     date,
  supervision_end       date,
  intake_reported_on    date,
  level                 text CHECK (level IN ('STRICT', 'STANDARD', 'RELAXED')),
  level_rule            text NOT NULL DEFAULT '',
  level_effective_on    date,
  level_reasons         jsonb NOT NULL DEFAULT '[]',   -- words and numbers
  level_policy_version  text NOT NULL DEFAULT '',
  non_strict_since      date,
  review_on             date,
  override_level        text CHECK (override_level IN ('STRICT', 'STANDARD', 'RELAXED')),
  override_on           date,
  last_warning_on       date,
  commendation_streak   integer NOT NULL DEFAULT 0,
  social_risk           text CHECK (social_risk IN ('LOW', 'MEDIUM', 'HIGH')),
  social_risk_on        date,
  psych_abnormal        boolean NOT NULL DEFAULT false,
  psych_on              date,
  key_attention         boolean NOT NULL DEFAULT false,
  version               bigint NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_district ON cases (district_code, case_id);
CREATE INDEX cases_to_review ON cases (review_on) WHERE status = 'ACTIVE' AND review_on IS NOT NULL;

CREATE TABLE assessments (
  assessment_id       uuid PRIMARY KEY,
  case_id             uuid NOT NULL REFERENCES cases (case_id),
  instrument_id       text NOT NULL,
  instrument_version  integer NOT NULL,
  instrument_sha256   text NOT NULL,
  instrument_kind     text NOT NULL CHECK (instrument_kind IN ('SOCIAL_RISK', 'PSYCH_SCREENING')),
  kind                text NOT NULL CHECK (kind IN ('INTAKE', 'PERIODIC', 'TRIGGERED', 'DISCHARGE')),
  assessed_on         date NOT NULL,
  assessor_id         text NOT NULL,
  answers             jsonb NOT NULL,          -- [{"item_id":…, "option_id":…}]; never on the bus
  total_score         numeric(10, 2) NOT NULL,
  sub_scores          jsonb NOT NULL,          -- [{"subscale_id":…, "score":…, "abnormal":…}]
  risk_level          text NOT NULL CHECK (risk_level IN ('LOW', 'MEDIUM', 'HIGH')),
  abnormal            boolean NOT NULL,
  crisis_kinds        jsonb NOT NULL DEFAULT '[]',
  notes               text NOT NULL DEFAULT '',   -- never on the bus or in logs
  policy_version      text NOT NULL,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (instrument_id, instrument_version) REFERENCES instrument_versions
);
CREATE INDEX assessments_by_case ON assessments (case_id, assessment_id DESC);

-- Assessments due: at most one open row per (case, instrument kind, assessment kind).
CREATE TABLE assessment_dues (
  due_id           uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  instrument_kind  text NOT NULL,
  kind             text NOT NULL,
  window_opens_on  date NOT NULL,
  due_on           date NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_by     uuid REFERENCES assessments (assessment_id),
  completed_at     timestamptz,
  cancelled_at     timestamptz
);
CREATE UNIQUE INDEX assessment_dues_one_open ON assessment_dues (case_id, instrument_kind, kind)
  WHERE completed_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX assessment_dues_open_by_date ON assessment_dues (due_on, due_id)
  WHERE completed_at IS NULL AND cancelled_at IS NULL;

-- The monthly points ledger: months, and entries that are only ever appended.
CREATE TABLE points_months (
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  status          text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  total           integer,
  policy_version  text NOT NULL,
  opened_at       timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,
  PRIMARY KEY (case_id, month)
);
CREATE INDEX points_months_open ON points_months (month) WHERE status = 'OPEN';

CREATE TABLE points_entries (
  entry_id        uuid PRIMARY KEY,
  case_id         uuid NOT NULL,
  month           date NOT NULL,
  amount          integer NOT NULL,
  reason          text NOT NULL,
  -- What caused it: an event id, a request id, or "base:YYYY-MM". One entry per source+reason.
  source          text NOT NULL,
  occurred_on     date NOT NULL,
  note            text NOT NULL DEFAULT '',
  policy_version  text NOT NULL,
  actor           text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (case_id, month) REFERENCES points_months (case_id, month),
  UNIQUE (case_id, source, reason)
);
CREATE INDEX points_entries_by_month ON points_entries (case_id, month, recorded_at);

-- Every level change (and every override) with its reasons in words and numbers.
CREATE TABLE level_changes (
  change_id        uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  level            text NOT NULL,
  previous_level   text,
  effective_on     date NOT NULL,
  rule             text NOT NULL,
  reasons          jsonb NOT NULL,
  policy_version   text NOT NULL,
  override         boolean NOT NULL DEFAULT false,
  override_reason  text NOT NULL DEFAULT '',   -- staff's written reason; never on the bus
  actor            text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX level_changes_by_case ON level_changes (case_id, recorded_at DESC);

CREATE TABLE crisis_flags (
  flag_id          uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  kind             text NOT NULL CHECK (kind IN ('SELF_HARM', 'SUICIDE', 'VIOLENCE', 'OTHER')),
  source           text NOT NULL CHECK (source IN ('ASSESSMENT', 'STAFF')),
  assessment_id    uuid REFERENCES assessments (assessment_id),
  raised_at        timestamptz NOT NULL,
  raised_by        text NOT NULL,
  acknowledge_by   timestamptz NOT NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  note             text NOT NULL DEFAULT '',   -- never on the bus
  ack_note         text NOT NULL DEFAULT ''
);
CREATE INDEX crisis_flags_unacknowledged ON crisis_flags (raised_at, flag_id)
  WHERE acknowledged_at IS NULL;
CREATE INDEX crisis_flags_by_case ON crisis_flags (case_id, raised_at);

