-- Records: people and their supervision cases (一人一档), first slice.

-- One row per person across all their cases. The identity number is stored only encrypted
-- (AES-256-GCM) with a keyed hash beside it for exact lookup and duplicate checks.
CREATE TABLE persons (
  person_id          uuid PRIMARY KEY,
  id_hash            bytea NOT NULL UNIQUE,
  id_cipher          bytea NOT NULL,
  id_last4           text NOT NULL,
  name               text NOT NULL,
  birth_date         date NOT NULL,
  sex                text NOT NULL CHECK (sex IN ('MALE', 'FEMALE')),
  phone              text NOT NULL DEFAULT '',
  household_address  text NOT NULL DEFAULT '',
  residence_address  text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Human case numbers: district-year-sequence, without gaps (the counter row rolls back with a
-- failed open).
CREATE TABLE case_number_counters (
  district_code  text NOT NULL,
  year           integer NOT NULL,
  last_value     bigint NOT NULL,
  PRIMARY KEY (district_code, year)
);

CREATE TABLE cases (
  case_id                  uuid PRIMARY KEY,
  case_number              text NOT NULL UNIQUE,
  person_id                uuid NOT NULL REFERENCES persons (person_id),
  status                   text NOT NULL CHECK (status IN ('PENDING_INTAKE', 'ACTIVE',
                             'DISCHARGED', 'REVOKED', 'TRANSFERRED_OUT')),
  district_code            text NOT NULL CHECK (district_code ~ '^[1-9][0-9]{5}$'),
  office_id                text NOT NULL,
  officer_id               text NOT NULL DEFAULT '',
  social_worker_id         text NOT NULL DEFAULT '',
  sentence_kind            text NOT NULL,
  offence_category         text NOT NULL,
  deciding_authority       text NOT NULL,
  judgment_effective_date  date NOT NULL,
  start_date               date NOT NULL,
  end_date                 date NOT NULL CHECK (end_date > start_date),
  prohibition_orders       text NOT NULL DEFAULT '',
  minor                    boolean NOT NULL,
  intake_deadline          date NOT NULL,
  intake_reported_on       date,
  intake_late              boolean NOT NULL DEFAULT false,
  created_by               text NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  version                  bigint NOT NULL DEFAULT 1
);
-- A person has at most one open case.
CREATE UNIQUE INDEX cases_one_open_per_person ON cases (person_id)
  WHERE status IN ('PENDING_INTAKE', 'ACTIVE');
-- Listing a district's cases page by page (case ids are time-ordered UUIDv7).
CREATE INDEX cases_by_district ON cases (district_code, case_id);

