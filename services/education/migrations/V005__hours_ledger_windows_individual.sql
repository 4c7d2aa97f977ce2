-- The monthly hours ledger (issue 14 item 6), the intake and discharge education windows (item 7)
-- and individual education stepped up (item 8). Depends on V001 (cases) and V003 (sessions,
-- attendance). Codes, days and minutes only.

-- Waivers of the monthly requirement (seed 7.6.2), granted by office staff; never deleted.
CREATE TABLE hours_waivers (
  waiver_id    uuid PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES cases (case_id),
  scope        text NOT NULL CHECK (scope IN ('STUDY', 'COMMUNITY_SERVICE', 'BOTH')),
  reason_code  text NOT NULL,
  decided_by   text NOT NULL,
  from_on      date NOT NULL,
  until_on     date NOT NULL CHECK (until_on >= from_on),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hours_waivers_by_case ON hours_waivers (case_id, from_on);

-- Lost contact (脱管) periods from records' lost_contact_marked / found_again, per period id.
CREATE TABLE lost_contact_periods (
  period_id   text PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  since       date NOT NULL,
  found_on    date,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lost_contact_periods_by_case ON lost_contact_periods (case_id, since);

-- What steps individual education up (seed 7.9.3-7.9.4): one row per source event.
CREATE TABLE individual_step_ups (
  source_event_id  text PRIMARY KEY,
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  reason           text NOT NULL CHECK (reason IN ('VIOLATION', 'SANCTION', 'HIGH_RISK',
                     'KEY_ATTENTION', 'CRISIS_FLAG')),
  triggered_on     date NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX individual_step_ups_by_case ON individual_step_ups (case_id, triggered_on);

-- A closed month of the ledger, frozen as it was closed (lines as JSON: codes, minutes, days).
CREATE TABLE hours_months (
  case_id          uuid NOT NULL REFERENCES cases (case_id),
  month            date NOT NULL CHECK (extract(day FROM month) = 1),
  district_code    text NOT NULL,
  term_days        integer NOT NULL,
  study_shortfall_minutes              integer NOT NULL,
  community_service_shortfall_minutes  integer NOT NULL,
  lost_contact_days  integer NOT NULL,
  hospital_days      integer NOT NULL,
  ledger           jsonb NOT NULL,
  policy_version   text NOT NULL,
  closed_by        text NOT NULL,
  closed_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, month)
);
CREATE INDEX hours_months_by_district ON hours_months (district_code, month, case_id);

-- Intake / discharge education completed: the first attended session of the kind in the window.
CREATE TABLE education_window_completions (
  case_id       uuid NOT NULL REFERENCES cases (case_id),
  kind          text NOT NULL CHECK (kind IN ('INTAKE', 'DISCHARGE')),
  session_id    uuid NOT NULL REFERENCES sessions (session_id),
  completed_on  date NOT NULL,
  late          boolean NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, kind)
);
