-- Education care (issue 14 items 10-12, docs/education.md): psychological help (seed 7.5: the
-- expert pool, counselling sessions, the psychological file, referrals, urgent contacts after a
-- crisis flag), legal-knowledge tests (法制知识考核) and satisfaction surveys with complaints
-- (9.2-9.3). Depends on V001 only (cases).

-- The expert pool (专家库) of a district: professionals and partner centres.
CREATE TABLE counselling_experts (
  expert_id           uuid PRIMARY KEY,
  district_code       text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  kind                text NOT NULL
                      CHECK (kind IN ('PROFESSIONAL', 'PARTNER_CENTRE', 'SOCIAL_WORKER', 'VOLUNTEER')),
  agency_id           text NOT NULL DEFAULT '',
  display_name        text NOT NULL,
  qualification_code  text NOT NULL DEFAULT '',
  therapy_qualified   boolean NOT NULL,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'PARTNER_CENTRE' OR agency_id <> ''),
  CHECK (kind IN ('PROFESSIONAL', 'PARTNER_CENTRE') OR NOT therapy_qualified)
);
CREATE INDEX counselling_experts_by_district ON counselling_experts (district_code, expert_id);

CREATE TABLE counselling_sessions (
  session_id        uuid PRIMARY KEY,
  case_id           uuid NOT NULL REFERENCES cases (case_id),
  expert_id         uuid NOT NULL REFERENCES counselling_experts (expert_id),
  kind              text NOT NULL CHECK (kind IN ('EDUCATION', 'GUIDANCE', 'THERAPY')),
  held_at           timestamptz NOT NULL,
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 480),
  recorded_by       text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX counselling_sessions_by_case ON counselling_sessions (case_id, held_at);

-- The person's psychological file (个人心理矫正档案): AES-256-GCM (the kit's PiiCipher, context
-- "education.psych_file"), never in plain text here, never on the bus.
CREATE TABLE psych_files (
  case_id     uuid PRIMARY KEY REFERENCES cases (case_id),
  text_blob   bytea NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE counselling_referrals (
  referral_id            uuid PRIMARY KEY,
  case_id                uuid NOT NULL REFERENCES cases (case_id),
  institution_agency_id  text NOT NULL,
  reason                 text NOT NULL,
  referred_on            date NOT NULL,
  outcome                text NOT NULL
                         CHECK (outcome IN ('PENDING', 'ACCEPTED', 'DECLINED', 'COMPLETED', 'NO_SHOW')),
  outcome_on             date,
  referred_by            text NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX counselling_referrals_by_case ON counselling_referrals (case_id, referred_on);

-- The urgent counselling contact a crisis flag (ccms.assessment.crisis_flag_raised) makes due.
-- Keyed by the flag; the district is the event's, so the list works before records' case arrives.
CREATE TABLE urgent_contacts (
  flag_id            text PRIMARY KEY,
  case_id            uuid NOT NULL,
  district_code      text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  crisis_kind        text NOT NULL,
  raised_at          timestamptz NOT NULL,
  due_at             timestamptz NOT NULL,
  policy_version     text NOT NULL,
  met_at             timestamptz,
  met_by_session_id  uuid
);
CREATE INDEX urgent_contacts_open ON urgent_contacts (district_code, due_at, flag_id)
  WHERE met_at IS NULL;
CREATE INDEX urgent_contacts_by_case ON urgent_contacts (case_id, raised_at);

-- Legal-knowledge test papers, versioned; the answer key stays here.
CREATE TABLE legal_test_papers (
  paper_id      text NOT NULL,
  version       integer NOT NULL CHECK (version >= 1),
  title         text NOT NULL,
  answer_key    text[] NOT NULL,
  published_by  text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (paper_id, version)
);

-- A sitting of a paper: the score is the service's (clients never send one).
CREATE TABLE legal_test_sittings (
  sitting_id      uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  paper_id        text NOT NULL,
  paper_version   integer NOT NULL,
  sat_on          date NOT NULL,
  answers         text[] NOT NULL,
  correct_count   integer NOT NULL,
  question_count  integer NOT NULL,
  score_percent   integer NOT NULL CHECK (score_percent BETWEEN 0 AND 100),
  pass_mark       integer NOT NULL,
  passed          boolean NOT NULL,
  attempt         integer NOT NULL,
  retake_due_on   date,
  policy_version  text NOT NULL,
  recorded_by     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (paper_id, paper_version) REFERENCES legal_test_papers (paper_id, version)
);
CREATE INDEX legal_test_sittings_by_case ON legal_test_sittings (case_id, paper_id, sat_on);

-- Satisfaction questionnaires (满意度测评), versioned.
CREATE TABLE questionnaires (
  questionnaire_id  text NOT NULL,
  version           integer NOT NULL CHECK (version >= 1),
  title             text NOT NULL,
  question_count    integer NOT NULL CHECK (question_count BETWEEN 1 AND 50),
  scale_max         integer NOT NULL CHECK (scale_max BETWEEN 2 AND 10),
  published_by      text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (questionnaire_id, version)
);

CREATE TABLE survey_responses (
  response_id            uuid PRIMARY KEY,
  case_id                uuid NOT NULL REFERENCES cases (case_id),
  questionnaire_id       text NOT NULL,
  questionnaire_version  integer NOT NULL,
  subject_kind           text NOT NULL CHECK (subject_kind IN ('SESSION', 'PROVIDER', 'WORKER')),
  subject_id             text NOT NULL,
  responded_on           date NOT NULL,
  scores                 integer[] NOT NULL,
  recorded_by            text NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (questionnaire_id, questionnaire_version)
    REFERENCES questionnaires (questionnaire_id, version)
);
CREATE INDEX survey_responses_by_case ON survey_responses (case_id, responded_on);

-- Complaints (投诉): OPEN -> IN_HANDLING -> RESOLVED / REJECTED, with a handling deadline. The
-- complaint's text is encrypted (context "education.complaint").
CREATE TABLE complaints (
  complaint_id     uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  district_code    text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  subject_kind     text NOT NULL CHECK (subject_kind IN ('SESSION', 'PROVIDER', 'WORKER')),
  subject_id       text NOT NULL,
  category         text NOT NULL,
  text_blob        bytea NOT NULL,
  received_on      date NOT NULL,
  handle_by        date NOT NULL,
  status           text NOT NULL CHECK (status IN ('OPEN', 'IN_HANDLING', 'RESOLVED', 'REJECTED')),
  closed_on        date,
  version          integer NOT NULL,
  policy_version   text NOT NULL,
  recorded_by      text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_open ON complaints (district_code, handle_by, complaint_id)
  WHERE status IN ('OPEN', 'IN_HANDLING');
CREATE INDEX complaints_by_case ON complaints (case_id, received_on);
