-- The city-wide worklists and the KPI gauges' facts (docs/reporting.md, "Worklists" and
-- "Gauges"), built only from events (records, assessment, education, employment) in the
-- projection consumer's inbox transactions. `ccms-reporting --rebuild` empties them with the
-- projections. Ids, codes and days only: never a name, an ID number or a place.

-- One row per item waiting for someone's action. A row leaves when the event that ends it
-- arrives (intake reported, a contact, flag acknowledged, referral answered, case closed, …).
-- The district is the event's; the list shows the case projection's district and office when
-- records' events have made one (transfers move the row with the case).
CREATE TABLE worklist_item (
  kind          text NOT NULL,   -- NEVER_REPORTED, CONTACT_OVERDUE, CRISIS_FLAG_UNACKNOWLEDGED, …
  case_id       text NOT NULL,
  item_id       text NOT NULL,   -- flag id, referral id, ledger month; '' for a case-wide row
  district_code text NOT NULL,
  since_on      date NOT NULL,
  due_on        date NOT NULL,
  listed_from   date NOT NULL,   -- the first day the row shows
  reason_code   text NOT NULL,
  PRIMARY KEY (kind, case_id, item_id)
);
CREATE INDEX worklist_item_order ON worklist_item (due_on, kind, case_id, item_id);
CREATE INDEX worklist_item_case ON worklist_item (case_id);

-- What the KPI gauges count beside the time lines: a service file opened (file_opened), an
-- attended education or counselling session (educated), a referral sent, a placement or a
-- halfway-house admission (helped), each once per event.
CREATE TABLE service_fact (
  event_id text PRIMARY KEY,
  case_id  text NOT NULL,
  kind     text NOT NULL,
  on_day   date NOT NULL
);
CREATE INDEX service_fact_case ON service_fact (case_id, kind, on_day);
