-- Needs surveys, career plans, skills profiles (issue 15 item 2); job openings posted by partners
-- and the case's offence category for matching (item 3). (V004 is another change's: contracts,
-- welfare, volunteers.)

-- Records' offence category (records.offence_categories) from case_opened, case_facts_changed
-- and case_facts_snapshot; '' for a case followed before this column (matching says so).
ALTER TABLE cases ADD COLUMN offence_category text NOT NULL DEFAULT '';

-- Needs surveys: coded answers only (no free text). Reached through the case's district.
CREATE TABLE needs_surveys (
  survey_id        uuid PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  method           text NOT NULL CHECK (method IN ('INTERVIEW', 'HOME_VISIT')),
  surveyed_on      date NOT NULL,
  wish_to_work     text NOT NULL CHECK (wish_to_work IN ('WANTS_WORK', 'NOT_NOW', 'DOES_NOT_WANT')),
  ability_code     text NOT NULL,
  skill_gap_codes  text[] NOT NULL,
  housing_code     text NOT NULL,
  livelihood_code  text NOT NULL,
  schooling_code   text NOT NULL,
  family_code      text NOT NULL,
  policy_version   text NOT NULL,
  recorded_by      text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX needs_surveys_by_case ON needs_surveys (case_id, surveyed_on);

-- Career plan versions of a case: one row per version; at most one AGREED and one DRAFT.
CREATE TABLE career_plans (
  plan_id             uuid PRIMARY KEY,
  case_id             uuid NOT NULL REFERENCES cases (case_id),
  version             integer NOT NULL CHECK (version >= 1),
  status              text NOT NULL CHECK (status IN ('DRAFT', 'AGREED', 'SUPERSEDED')),
  goal_code           text NOT NULL,
  sector_codes        text[] NOT NULL,
  target_skill_codes  text[] NOT NULL,
  drafted_on          date NOT NULL,
  agreed_on           date CHECK (agreed_on IS NULL OR agreed_on >= drafted_on),
  drafted_by          text NOT NULL,
  agreed_by           text NOT NULL DEFAULT '',
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, version)
);
CREATE UNIQUE INDEX career_plans_one_draft ON career_plans (case_id) WHERE status = 'DRAFT';
CREATE UNIQUE INDEX career_plans_one_agreed ON career_plans (case_id) WHERE status = 'AGREED';

-- The skills profile of a case (replaced whole) and its certificates.
CREATE TABLE skills_profiles (
  case_id       uuid PRIMARY KEY REFERENCES cases (case_id),
  skill_codes   text[] NOT NULL,
  updated_on    date NOT NULL,
  recorded_by   text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE skill_certificates (
  case_id           uuid NOT NULL REFERENCES skills_profiles (case_id),
  seq               integer NOT NULL,
  certificate_code  text NOT NULL,
  issuer_code       text NOT NULL,
  obtained_on       date NOT NULL,
  PRIMARY KEY (case_id, seq)
);

-- Job openings of a partner in a district. A partner reaches its own (agency_id), staff those of
-- their districts.
CREATE TABLE job_openings (
  opening_id                   uuid PRIMARY KEY,
  opening_code                 text NOT NULL,
  partner_id                   uuid NOT NULL REFERENCES partners (partner_id),
  agency_id                    text NOT NULL,
  district_code                text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  title                        text NOT NULL,
  sector_code                  text NOT NULL,
  hours_per_week               integer NOT NULL CHECK (hours_per_week BETWEEN 1 AND 84),
  required_skill_codes         text[] NOT NULL,
  closes_on                    date NOT NULL,
  places                       integer NOT NULL CHECK (places BETWEEN 1 AND 500),
  places_filled                integer NOT NULL DEFAULT 0
                                 CHECK (places_filled BETWEEN 0 AND places),
  excluded_offence_categories  text[] NOT NULL,
  status                       text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  close_reason                 text NOT NULL DEFAULT '',
  posted_on                    date NOT NULL,
  closed_on                    date,
  posted_by                    text NOT NULL,
  posted_by_kind               text NOT NULL CHECK (posted_by_kind IN ('STAFF', 'PARTNER')),
  created_at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_openings_by_district ON job_openings (district_code, opening_id);
CREATE INDEX job_openings_by_agency ON job_openings (agency_id, opening_id);
CREATE INDEX job_openings_open ON job_openings (district_code, closes_on) WHERE status = 'OPEN';
