-- Partner contracts and evaluations (issue 15 item 1), welfare and relief (item 8), volunteers
-- and social organisations (item 10). Each row carries the district that recorded it: the SQL of
-- every query keeps it to the caller's districts.

-- Purchased-service contracts (政府购买服务) of a district with a partner. Amounts in fen.
CREATE TABLE partner_contracts (
  contract_id     uuid PRIMARY KEY,
  partner_id      uuid NOT NULL REFERENCES partners (partner_id),
  district_code   text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  scope_code      text NOT NULL,
  starts_on       date NOT NULL,
  ends_on         date NOT NULL CHECK (ends_on >= starts_on),
  amount_fen      bigint NOT NULL CHECK (amount_fen >= 0),
  status          text NOT NULL CHECK (status IN ('ACTIVE', 'COMPLETED', 'TERMINATED')),
  recorded_by     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_contracts_by_partner ON partner_contracts (partner_id, contract_id);
CREATE INDEX partner_contracts_by_district ON partner_contracts (district_code, contract_id);

-- Periodic evaluations (考核) of a partner by a district bureau: one score per criterion
-- (criteria[i] scored scores[i], 0-100), a result code, who evaluated (an account id).
CREATE TABLE partner_evaluations (
  evaluation_id   uuid PRIMARY KEY,
  partner_id      uuid NOT NULL REFERENCES partners (partner_id),
  district_code   text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  period_from     date NOT NULL,
  period_to       date NOT NULL CHECK (period_to >= period_from),
  criteria        text[] NOT NULL,
  scores          integer[] NOT NULL
                    CHECK (cardinality(scores) = cardinality(criteria) AND 0 <= ALL (scores)
                           AND 100 >= ALL (scores)),
  result_code     text NOT NULL,
  evaluated_by    text NOT NULL,
  evaluated_on    date NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_evaluations_by_partner ON partner_evaluations (partner_id, evaluation_id);
-- One evaluation of a partner per district and period.
CREATE UNIQUE INDEX partner_evaluations_once_per_period
  ON partner_evaluations (partner_id, district_code, period_from, period_to);

-- Welfare and relief for a case's person (最低生活保障, 临时救助, 司法救助, ...). The district is
-- the one that recorded it (it stays there when the case moves: the sums are that district's).
CREATE TABLE assistance_records (
  assistance_id   uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  district_code   text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  kind            text NOT NULL CHECK (kind IN ('MINIMUM_LIVING', 'TEMPORARY_RELIEF',
                    'JUDICIAL_AID', 'SOCIAL_INSURANCE', 'HARDSHIP_PAYMENT', 'FESTIVAL_CARE')),
  status          text NOT NULL CHECK (status IN ('APPLIED', 'GRANTED', 'REFUSED', 'ENDED')),
  amount_fen      bigint NOT NULL CHECK (amount_fen >= 0),
  applied_on      date NOT NULL,
  granted_on      date CHECK (granted_on IS NULL OR granted_on >= applied_on),
  decided_on      date,
  ended_on        date CHECK (ended_on IS NULL OR ended_on >= granted_on),
  reason_code     text NOT NULL DEFAULT '',
  recorded_by     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('GRANTED', 'ENDED')) = (granted_on IS NOT NULL))
);
CREATE INDEX assistance_by_case ON assistance_records (case_id, assistance_id);
CREATE INDEX assistance_granted_by_district ON assistance_records (district_code, granted_on)
  WHERE granted_on IS NOT NULL;

-- Volunteers and social organisations (志愿者, 社会组织). Name and contact are one AES-256-GCM
-- blob (kit's PiiCipher, context employment.volunteer.identity). They have no login: staff record
-- their work.
CREATE TABLE volunteers (
  volunteer_id          uuid PRIMARY KEY,
  kind                  text NOT NULL CHECK (kind IN ('VOLUNTEER', 'SOCIAL_ORGANISATION')),
  identity_enc          bytea NOT NULL,
  skills                text[] NOT NULL,
  district_code         text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  districts_served      text[] NOT NULL,
  supervision_team_ids  uuid[] NOT NULL,
  registered_by         text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX volunteers_by_district ON volunteers (district_code, volunteer_id);
CREATE INDEX volunteers_by_served ON volunteers USING gin (districts_served);

-- A day's service: hours (1-24, never negative), for a case or a supervision team (or neither).
CREATE TABLE volunteer_services (
  service_id           uuid PRIMARY KEY,
  volunteer_id         uuid NOT NULL REFERENCES volunteers (volunteer_id),
  district_code        text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  served_on            date NOT NULL,
  hours                integer NOT NULL CHECK (hours BETWEEN 1 AND 24),
  activity_code        text NOT NULL,
  case_id              uuid REFERENCES cases (case_id),
  supervision_team_id  uuid,
  recorded_by          text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX volunteer_services_by_volunteer ON volunteer_services (volunteer_id, served_on);

CREATE TABLE volunteer_commendations (
  commendation_id  uuid PRIMARY KEY,
  volunteer_id     uuid NOT NULL REFERENCES volunteers (volunteer_id),
  district_code    text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  commended_on     date NOT NULL,
  code             text NOT NULL,
  recorded_by      text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX volunteer_commendations_by_volunteer ON volunteer_commendations (volunteer_id);
