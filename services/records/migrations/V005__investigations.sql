-- Pre-sentence investigations (调查评估), and the handover and intake of a case: the deciding
-- body's notification, the intake announcement (入矫宣告) and the supervision team (矫正小组).

-- An investigation is not a case: the person may never be sentenced. Its district is its scope.
-- The identity number is stored only encrypted, with a keyed hash for lookups (as persons).
CREATE TABLE investigations (
  investigation_id         uuid PRIMARY KEY,
  district_code            text NOT NULL CHECK (district_code ~ '^[1-9][0-9]{5}$'),
  office_id                text NOT NULL DEFAULT '',
  commissioning_body_kind  text NOT NULL CHECK (commissioning_body_kind IN ('COURT',
                             'PROCURATORATE', 'PUBLIC_SECURITY', 'PRISON')),
  commissioning_body_name  text NOT NULL,
  person_name              text NOT NULL,
  id_hash                  bytea NOT NULL,
  id_cipher                bytea NOT NULL,
  id_last4                 text NOT NULL,
  proposed_sentence_kind   text NOT NULL,
  fast_track               boolean NOT NULL,
  commissioned_on          date NOT NULL,
  due_on                   date NOT NULL CHECK (due_on > commissioned_on),
  policy_version           text NOT NULL,
  status                   text NOT NULL CHECK (status IN ('COMMISSIONED', 'CONCLUDED',
                             'WITHDRAWN')),
  conclusion               text CHECK (conclusion IN ('SUITABLE', 'NOT_SUITABLE')),
  reasons                  text NOT NULL DEFAULT '',
  closed_on                date CHECK (closed_on >= commissioned_on),
  concluded_late           boolean NOT NULL DEFAULT false,
  withdrawal_reason        text NOT NULL DEFAULT '',
  case_id                  uuid REFERENCES cases (case_id),
  created_by               text NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  -- Closed with its date; a conclusion only when concluded.
  CHECK ((status = 'COMMISSIONED') = (closed_on IS NULL)),
  CHECK ((status = 'CONCLUDED') = (conclusion IS NOT NULL))
);
CREATE INDEX investigations_by_district ON investigations (district_code, investigation_id);
CREATE INDEX investigations_by_person ON investigations (id_hash);
-- The overdue scan: open (or closed late) investigations by due date.
CREATE INDEX investigations_by_due ON investigations (district_code, due_on);

-- Audit rows of investigations name the investigation; case_id stays NULL for them (audit_log
-- has no foreign key to cases, but an investigation id in case_id would read as a case).
ALTER TABLE audit_log ADD COLUMN investigation_id uuid;
CREATE INDEX audit_log_by_investigation ON audit_log (investigation_id, at)
  WHERE investigation_id IS NOT NULL;

-- The deciding body's notification and documents (Law art. 20); one row per case, a later
-- call replaces the dates.
CREATE TABLE case_handovers (
  case_id                uuid PRIMARY KEY REFERENCES cases (case_id),
  notified_on            date NOT NULL,
  documents_received_on  date,
  notice_due             date NOT NULL,
  documents_due          date NOT NULL,
  notice_late            boolean NOT NULL,
  documents_late         boolean NOT NULL,
  policy_version         text NOT NULL,
  recorded_by            text NOT NULL,
  recorded_at            timestamptz NOT NULL DEFAULT now()
);

-- The intake announcement (入矫宣告, Law art. 22): once per case.
CREATE TABLE intake_announcements (
  announcement_id    uuid PRIMARY KEY,
  case_id            uuid NOT NULL UNIQUE REFERENCES cases (case_id),
  announced_on       date NOT NULL,
  present_staff_ids  text NOT NULL,   -- comma-separated staff ids
  recorded_by        text NOT NULL,
  recorded_at        timestamptz NOT NULL DEFAULT now()
);

-- Supervision teams: every team a case had; the current one has replaced_at NULL. The family
-- contact (name and phone) is stored only encrypted.
CREATE TABLE supervision_teams (
  team_id                uuid PRIMARY KEY,
  case_id                uuid NOT NULL REFERENCES cases (case_id),
  officer_id             text NOT NULL,
  social_worker_id       text NOT NULL DEFAULT '',
  volunteer_ids          text NOT NULL DEFAULT '',   -- comma-separated
  family_contact_cipher  bytea,
  effective_on           date NOT NULL,
  replaced_at            timestamptz,
  recorded_by            text NOT NULL,
  recorded_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX supervision_teams_current ON supervision_teams (case_id)
  WHERE replaced_at IS NULL;
