-- Sessions (issue 14 item 4), enrolment and attendance (item 5). Depends on V001 only (cases).
-- Nothing here is deleted: a cancelled or moved session stays, marked, with its reason.

CREATE TABLE sessions (
  session_id          uuid PRIMARY KEY,
  series_id           uuid,
  district_code       text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  office_id           text NOT NULL DEFAULT '',
  kind                text NOT NULL CHECK (kind IN ('INTAKE', 'ROUTINE', 'CENTRALIZED', 'CLASSIFIED',
                        'INDIVIDUAL', 'GROUP_WORK', 'COUNSELLING', 'FAMILY', 'DISCHARGE')),
  form                text NOT NULL CHECK (form IN ('FACE_TO_FACE', 'REMOTE', 'ONLINE', 'SITE_VISIT',
                        'WARNING_EDUCATION')),
  topic_code          text NOT NULL DEFAULT '',
  venue               text NOT NULL DEFAULT '',
  start_at            timestamptz NOT NULL,
  end_at              timestamptz NOT NULL CHECK (end_at > start_at),
  provider_kind       text NOT NULL CHECK (provider_kind IN ('STAFF', 'PARTNER_AGENCY', 'VOLUNTEER')),
  provider_id         text NOT NULL,
  capacity            integer NOT NULL CHECK (capacity > 0),
  -- Law art. 52: minors are educated apart from adults; always one of the two.
  audience            text NOT NULL CHECK (audience IN ('MINORS_ONLY', 'ADULTS_ONLY')),
  criteria_sexes      text[] NOT NULL DEFAULT '{}',
  criteria_age_bands  text[] NOT NULL DEFAULT '{}',
  criteria_offences   text[] NOT NULL DEFAULT '{}',
  status              text NOT NULL CHECK (status IN ('SCHEDULED', 'CANCELLED', 'MOVED')),
  change_reason       text NOT NULL DEFAULT '',
  supersedes          uuid REFERENCES sessions (session_id),
  superseded_by       uuid REFERENCES sessions (session_id),
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_by_district_start ON sessions (district_code, start_at, session_id);

-- A case's place in a session. The waitlist is ordered by waitlisted_seq.
CREATE TABLE enrolments (
  enrolment_id    uuid PRIMARY KEY,
  session_id      uuid NOT NULL REFERENCES sessions (session_id),
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  status          text NOT NULL CHECK (status IN ('ENROLLED', 'WAITLISTED', 'WITHDRAWN')),
  waitlisted_seq  bigint,
  enrolled_by     text NOT NULL,
  enrolled_at     timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, case_id)
);
CREATE INDEX enrolments_by_case ON enrolments (case_id, status);
CREATE SEQUENCE enrolment_waitlist_seq;

-- The attendance of an enrolled case (the latest recording; each recording is an event).
-- The behaviour note is AES-256-GCM (kit PiiCipher, context "education.attendance.note").
CREATE TABLE attendance (
  session_id        uuid NOT NULL REFERENCES sessions (session_id),
  case_id           uuid NOT NULL REFERENCES cases (case_id),
  outcome           text NOT NULL CHECK (outcome IN ('ATTENDED', 'LATE', 'EXCUSED',
                      'ABSENT_AFTER_NOTICE', 'ABSENT')),
  excuse_reason     text NOT NULL DEFAULT '' CHECK (excuse_reason IN ('', 'APPROVED_LEAVE',
                      'HOSPITAL', 'WORK', 'OTHER')),
  notice_given      boolean NOT NULL,
  credited_minutes  integer NOT NULL CHECK (credited_minutes >= 0),
  note_cipher       bytea,
  automatic         boolean NOT NULL DEFAULT false,
  policy_version    text NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, case_id)
);
