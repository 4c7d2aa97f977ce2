-- Electronic monitoring orders (电子定位, Law art. 29): grounds required, at most the policy's
-- months per order and per renewal, one order running at a time per case (checked under the
-- case's row lock). No location data is kept here.
CREATE TABLE monitoring_orders (
  order_id          uuid PRIMARY KEY,
  case_id           uuid NOT NULL REFERENCES cases (case_id),
  grounds           text NOT NULL CHECK (grounds <> ''),   -- MonitoringGround names, comma separated
  starts_on         date NOT NULL,
  original_ends_on  date NOT NULL CHECK (original_ends_on >= starts_on),
  ends_on           date NOT NULL CHECK (ends_on >= original_ends_on),
  renewals          integer NOT NULL DEFAULT 0 CHECK (renewals >= 0),
  ended_on          date CHECK (ended_on IS NULL OR (ended_on >= starts_on AND ended_on <= ends_on)),
  end_reason        text NOT NULL DEFAULT '' CHECK (end_reason IN ('', 'GROUNDS_NO_LONGER_APPLY',
                      'SUPERVISION_ENDING', 'OTHER')),
  policy_version    text NOT NULL,
  approved_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_orders_by_case ON monitoring_orders (case_id, starts_on);
CREATE INDEX monitoring_orders_running ON monitoring_orders (ends_on, order_id)
  WHERE ended_on IS NULL;

CREATE TABLE monitoring_renewals (
  renewal_id        uuid PRIMARY KEY,
  order_id          uuid NOT NULL REFERENCES monitoring_orders (order_id),
  renewed_on        date NOT NULL,
  previous_ends_on  date NOT NULL,
  new_ends_on       date NOT NULL CHECK (new_ends_on > previous_ends_on),
  policy_version    text NOT NULL,
  approved_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_renewals_by_order ON monitoring_renewals (order_id, renewed_on);

-- Temporary execution outside prison (暂予监外执行, Measures 2020 art. 26): monthly health
-- reports and 3-monthly medical reviews (policy records.temporary_outside_prison.*).
CREATE TABLE health_reports (
  report_id    uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  received_on  date NOT NULL,
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_reports_by_case ON health_reports (case_id, received_on);

CREATE TABLE medical_reviews (
  review_id    uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  reviewed_on  date NOT NULL,
  institution  text NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('CONDITION_CONTINUES', 'CONDITION_NO_LONGER_MET',
                 'INCONCLUSIVE')),
  details      text NOT NULL DEFAULT '',
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX medical_reviews_by_case ON medical_reviews (case_id, reviewed_on);
