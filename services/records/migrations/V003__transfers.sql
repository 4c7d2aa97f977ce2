-- Transfer of execution place (变更执行地).
CREATE TABLE transfers (
  transfer_id        uuid PRIMARY KEY,
  case_id            uuid NOT NULL REFERENCES cases (case_id),
  from_district_code text NOT NULL,
  to_district_code   text NOT NULL CHECK (to_district_code ~ '^[1-9][0-9]{5}$'),
  to_office_id       text NOT NULL,
  status             text NOT NULL CHECK (status IN ('REQUESTED', 'CONSENTED', 'ACCEPTED',
                       'REJECTED', 'COMPLETED')),
  requested_on       date NOT NULL,
  planned_move_on    date NOT NULL,
  reply_due          date NOT NULL,
  report_due         date,
  decided_on         date,
  reason             text NOT NULL DEFAULT '',
  decision_reason    text NOT NULL DEFAULT '',
  policy_version     text NOT NULL,
  requested_by       text NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (from_district_code <> to_district_code)
);
-- One open transfer per case.
CREATE UNIQUE INDEX transfers_one_open ON transfers (case_id)
  WHERE status IN ('REQUESTED', 'CONSENTED');
CREATE INDEX transfers_by_from ON transfers (from_district_code, transfer_id);
CREATE INDEX transfers_by_to ON transfers (to_district_code, transfer_id);
