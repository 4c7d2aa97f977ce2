-- Employment spells with their retention checks (issue 15 item 5) and skills training:
-- programmes, enrolments, attendance (item 6).

-- A spell of work of a case's person: the employer is a partner (from a PLACED referral, or
-- recorded by staff) or a coded other employer.
CREATE TABLE employment_spells (
  spell_id             uuid PRIMARY KEY,
  case_id              uuid NOT NULL REFERENCES cases (case_id),
  district_code        text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  employer_kind        text NOT NULL CHECK (employer_kind IN ('PARTNER', 'OTHER')),
  partner_id           uuid REFERENCES partners (partner_id),
  agency_id            text NOT NULL DEFAULT '',
  other_employer_code  text NOT NULL DEFAULT '',
  referral_id          uuid REFERENCES referrals (referral_id),
  started_on           date NOT NULL,
  ended_on             date CHECK (ended_on IS NULL OR ended_on >= started_on),
  end_reason           text NOT NULL DEFAULT '',
  recorded_by          text NOT NULL,
  policy_version       text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((employer_kind = 'PARTNER') = (partner_id IS NOT NULL))
);
CREATE INDEX employment_spells_by_case ON employment_spells (case_id);
-- A PLACED referral starts at most one spell.
CREATE UNIQUE INDEX employment_spells_one_per_referral ON employment_spells (referral_id)
  WHERE referral_id IS NOT NULL;

-- The checks of a spell, one per policy day (30, 90, 180). The district and agency are copied
-- from the spell (moved with the case on a transfer) so the lists filter on one table.
CREATE TABLE retention_checks (
  spell_id           uuid NOT NULL REFERENCES employment_spells (spell_id),
  day_offset         integer NOT NULL CHECK (day_offset > 0),
  case_id            uuid NOT NULL,
  district_code      text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  agency_id          text NOT NULL DEFAULT '',
  due_on             date NOT NULL,
  confirm_by         date NOT NULL CHECK (confirm_by >= due_on),
  status             text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'MISSED', 'CANCELLED')),
  confirmed_on       date,
  confirmed_by       text NOT NULL DEFAULT '',
  confirmed_by_kind  text NOT NULL DEFAULT '',
  PRIMARY KEY (spell_id, day_offset)
);
CREATE INDEX retention_checks_by_district ON retention_checks (district_code, due_on)
  WHERE status IN ('PENDING', 'MISSED');
CREATE INDEX retention_checks_by_agency ON retention_checks (agency_id, spell_id)
  WHERE agency_id <> '';
CREATE INDEX retention_checks_pending ON retention_checks (confirm_by) WHERE status = 'PENDING';

-- Training programmes of a district, run by a provider partner.
CREATE TABLE training_programmes (
  programme_id         uuid PRIMARY KEY,
  code                 text NOT NULL,
  name                 text NOT NULL,
  provider_partner_id  uuid NOT NULL REFERENCES partners (partner_id),
  agency_id            text NOT NULL,
  district_code        text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  hours                integer NOT NULL CHECK (hours BETWEEN 1 AND 2000),
  places               integer NOT NULL CHECK (places BETWEEN 1 AND 500),
  starts_on            date NOT NULL,
  ends_on              date NOT NULL CHECK (ends_on >= starts_on),
  registered_by        text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (district_code, code)
);
CREATE INDEX training_programmes_by_agency ON training_programmes (agency_id, programme_id);

-- Enrolments: every one takes a place (the programme's places are never exceeded: an enrolment
-- locks the programme row, then counts in a statement of its own).
CREATE TABLE training_enrolments (
  enrolment_id          uuid PRIMARY KEY,
  enrolment_code        text NOT NULL,
  programme_id          uuid NOT NULL REFERENCES training_programmes (programme_id),
  case_id               uuid NOT NULL REFERENCES cases (case_id),
  district_code         text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  status                text NOT NULL CHECK (status IN ('ENROLLED', 'COMPLETED')),
  enrolled_on           date NOT NULL,
  age_on_enrolment      integer NOT NULL,
  age_basis             text NOT NULL,
  hours_attended        integer NOT NULL DEFAULT 0 CHECK (hours_attended >= 0),
  completed_on          date,
  certificate_obtained  boolean NOT NULL DEFAULT false,
  recorded_by           text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (programme_id, case_id)
);
CREATE INDEX training_enrolments_by_case ON training_enrolments (case_id);

CREATE TABLE training_attendance (
  enrolment_id      uuid NOT NULL REFERENCES training_enrolments (enrolment_id),
  seq               integer NOT NULL,
  on_date           date NOT NULL,
  hours             integer NOT NULL CHECK (hours BETWEEN 1 AND 12),
  recorded_by       text NOT NULL,
  recorded_by_kind  text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (enrolment_id, seq)
);
