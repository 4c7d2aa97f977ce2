-- Employment: cases as employment follows them from ccms.records.v1, the partner register and
-- referrals with their steps (issue 15 items 0, 1, 4, 7, 11).

-- A case as employment knows it (codes, dates and the age facts; never the birth date).
CREATE TABLE cases (
  case_id          uuid PRIMARY KEY,
  district_code    text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  office_id        text NOT NULL DEFAULT '',
  status           text NOT NULL CHECK (status IN ('PENDING_INTAKE', 'ACTIVE', 'CLOSED')),
  minor            boolean NOT NULL DEFAULT false,
  age_at_judgment  integer,
  judgment_date    date,
  lost_contact     boolean NOT NULL DEFAULT false,
  closed_on        date,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_by_district ON cases (district_code, case_id);

-- Partner organisations. Contacts are one AES-256-GCM blob (kit's PiiCipher, context
-- employment.partner.contacts).
CREATE TABLE partners (
  partner_id         uuid PRIMARY KEY,
  agency_id          text NOT NULL UNIQUE CHECK (agency_id ~ '^[a-z0-9][a-z0-9-]{2,63}$'),
  name               text NOT NULL,
  kind               text NOT NULL,
  district_code      text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  districts_served   text[] NOT NULL,
  contacts_enc       bytea NOT NULL,
  status             text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  suspension_reason  text NOT NULL DEFAULT '',
  registered_by      text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partners_by_district ON partners (district_code, partner_id);
CREATE INDEX partners_by_served ON partners USING gin (districts_served);

-- Referrals of a case's person to a partner. The given name is encrypted (context
-- employment.referral.given_name); the district follows the case (transfers).
CREATE TABLE referrals (
  referral_id              uuid PRIMARY KEY,
  referral_code            text NOT NULL,
  case_id                  uuid NOT NULL REFERENCES cases (case_id),
  district_code            text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  partner_id               uuid NOT NULL REFERENCES partners (partner_id),
  agency_id                text NOT NULL,
  kind                     text NOT NULL,
  status                   text NOT NULL CHECK (status IN ('DRAFT', 'SENT', 'ACCEPTED', 'DECLINED',
                             'INTERVIEW', 'OFFERED', 'NOT_HIRED', 'PLACED', 'ENDED', 'WITHDRAWN')),
  referred_on              date NOT NULL,
  age_on_referral          integer NOT NULL,
  age_basis                text NOT NULL,
  given_name_enc           bytea NOT NULL,
  skills                   text[] NOT NULL,
  availability             text NOT NULL DEFAULT '',
  minor                    boolean NOT NULL,
  guardian_consent         boolean NOT NULL,
  consent_recorded_on      date,
  consent_override_reason  text NOT NULL DEFAULT '',
  sent_on                  date,
  answer_due_on            date,
  escalated_on             date,
  reason_code              text NOT NULL DEFAULT '',
  created_by               text NOT NULL,
  policy_version           text NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referrals_by_district ON referrals (district_code, referral_id);
CREATE INDEX referrals_by_agency ON referrals (agency_id, referral_id);
CREATE INDEX referrals_by_case ON referrals (case_id);
CREATE INDEX referrals_awaiting_answer ON referrals (answer_due_on)
  WHERE status = 'SENT' AND escalated_on IS NULL;

-- Every step of a referral, in order.
CREATE TABLE referral_steps (
  referral_id  uuid NOT NULL REFERENCES referrals (referral_id),
  seq          integer NOT NULL,
  from_status  text NOT NULL,
  to_status    text NOT NULL,
  reason_code  text NOT NULL DEFAULT '',
  on_date      date NOT NULL,
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (referral_id, seq)
);
