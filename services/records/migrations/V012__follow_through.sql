-- Follow-through of issue 17 items 4, 6, 7 and 8.

-- Whether staff were responsible for a lost-contact period (责任性脱管), recorded when the period
-- ends (found again, or the case closed while lost). Periods ended before V012 have neither.
ALTER TABLE lost_contact_periods
  ADD COLUMN staff_responsible boolean,
  ADD COLUMN liability_reason text CHECK (liability_reason IN ('STAFF_CONTACTS_NOT_MADE',
    'STAFF_LEAVE_NOT_FOLLOWED_UP', 'STAFF_MONITORING_NOT_ACTED_ON', 'STAFF_OTHER',
    'PERSON_ABSCONDED', 'PERSON_HELD_ELSEWHERE', 'PERSON_ILLNESS_OR_ACCIDENT', 'OTHER')),
  ADD CONSTRAINT lost_contact_liability_when_ended
    CHECK ((staff_responsible IS NULL) = (liability_reason IS NULL)
           AND (liability_reason IS NULL OR ended_on IS NOT NULL)
           AND (liability_reason IS NULL OR staff_responsible = (liability_reason LIKE 'STAFF_%')));

-- Outages of a monitoring device while an order ran (records.monitoring.outage_*).
CREATE TABLE monitoring_outages (
  outage_id    uuid PRIMARY KEY,
  order_id     uuid NOT NULL REFERENCES monitoring_orders (order_id),
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz NOT NULL CHECK (ended_at > started_at),
  cause        text NOT NULL CHECK (cause IN ('SWITCHED_OFF', 'BATTERY_FLAT', 'DEVICE_LEFT',
                 'DEVICE_FAULT', 'NETWORK_FAULT', 'OTHER')),
  counted      boolean NOT NULL,   -- longer than the policy's hours and the person's doing
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_outages_by_case ON monitoring_outages (case_id, started_at);
CREATE INDEX monitoring_outages_by_order ON monitoring_outages (order_id, started_at);

-- The court's decision on a revocation request, and detention pending it (Law arts. 46-47).
ALTER TABLE sanctions
  ADD COLUMN court_decision text CHECK (court_decision IN ('GRANTED', 'REFUSED')),
  ADD COLUMN court_decided_on date,
  ADD COLUMN court_document_number text,
  ADD COLUMN detained_on date,
  ADD COLUMN court_recorded_by text,
  ADD CONSTRAINT sanctions_court_steps_on_revocation_requests
    CHECK ((court_decision IS NULL AND detained_on IS NULL) OR kind = 'REVOCATION_REQUEST'),
  ADD CONSTRAINT sanctions_court_decision_whole
    CHECK ((court_decision IS NULL) = (court_decided_on IS NULL)
           AND (court_decision IS NULL) = (court_document_number IS NULL));
CREATE INDEX sanctions_revocation_undecided ON sanctions (case_id)
  WHERE kind = 'REVOCATION_REQUEST' AND court_decision IS NULL;

-- The paper file after an accepted transfer: the acceptance day (set from V012 on; transfers
-- accepted before have none and are not tracked) and the day the file was handed over.
ALTER TABLE transfers
  ADD COLUMN accepted_on date,
  ADD COLUMN file_handed_over_on date CHECK (file_handed_over_on >= accepted_on),
  ADD COLUMN file_recorded_by text;
UPDATE transfers SET accepted_on = decided_on WHERE status = 'ACCEPTED';
CREATE INDEX transfers_file_pending ON transfers (case_id)
  WHERE accepted_on IS NOT NULL AND file_handed_over_on IS NULL;
