-- Education: the correction plan (一人一案, seed standard 6.4-6.6), versioned, with the revisions
-- due after events of records and assessment; the catalogue of courses, themes and modules, and
-- the city-wide monthly theme (docs/education.md).

-- One version of a case's plan. The content (needs, goals, steps, measures) and the closing
-- report are text that stays in education (never on the bus).
CREATE TABLE plan_versions (
  version_id          uuid PRIMARY KEY,
  case_id             uuid NOT NULL REFERENCES cases (case_id),
  version             integer NOT NULL CHECK (version >= 1),
  status              text NOT NULL
                      CHECK (status IN ('DRAFT', 'AGREED', 'APPROVED', 'ACTIVE', 'SUPERSEDED',
                                        'CLOSED')),
  content             jsonb NOT NULL,
  revision_reason     text NOT NULL DEFAULT '',
  drafted_by          text NOT NULL,
  drafted_at          timestamptz NOT NULL,
  guardian_required   boolean NOT NULL,
  person_agreed_on    date,
  guardian_agreed_on  date,
  approved_by         text NOT NULL DEFAULT '',
  approved_on         date,
  active_from         date,
  superseded_on       date,
  closed_on           date,
  closing_report      text NOT NULL DEFAULT '',
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, version)
);
-- At most one version of a case is ACTIVE, at most one is being worked on before approval.
CREATE UNIQUE INDEX plan_versions_one_active ON plan_versions (case_id) WHERE status = 'ACTIVE';
CREATE UNIQUE INDEX plan_versions_one_open
  ON plan_versions (case_id) WHERE status IN ('DRAFT', 'AGREED', 'APPROVED');

-- A revision due after an event of records (sanction) or assessment (level changed, assessment
-- recorded, crisis flag, key attention) for a case with a plan in force. Settled when a newer
-- version is approved (or the plan is closed).
CREATE TABLE plan_revisions_due (
  revision_id         uuid PRIMARY KEY,
  case_id             uuid NOT NULL REFERENCES cases (case_id),
  reason              text NOT NULL
                      CHECK (reason IN ('LEVEL_CHANGED', 'SANCTION', 'CRISIS_FLAG',
                                        'ASSESSMENT_RECORDED', 'KEY_ATTENTION', 'STAFF')),
  source_event_id     text NOT NULL,
  triggered_on        date NOT NULL,
  due_on              date NOT NULL,
  plan_version        integer NOT NULL,
  policy_version      text NOT NULL,
  settled_by_version  integer,
  settled_on          date,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_revisions_due_open ON plan_revisions_due (due_on, case_id)
  WHERE settled_by_version IS NULL;
CREATE INDEX plan_revisions_due_by_case ON plan_revisions_due (case_id);

-- The catalogue: courses and themes by content kind, the intake and discharge modules. City-wide
-- (district_code '') or a district's own.
CREATE TABLE catalogue_items (
  item_id        uuid PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('COURSE', 'THEME')),
  content_kind   text NOT NULL
                 CHECK (content_kind IN ('LEGAL_POLICY', 'MORAL', 'CULTURE', 'BEHAVIOUR',
                                         'VOCATIONAL', 'MENTAL_HEALTH')),
  module         text NOT NULL DEFAULT ''
                 CHECK (module IN ('', 'INTAKE_NOTICE', 'INTAKE_PLEA', 'INTAKE_CONDUCT',
                                   'INTAKE_SUPERVISION_RULES', 'INTAKE_RIGHTS_DUTIES',
                                   'DISCHARGE_LAW_ABIDING', 'DISCHARGE_REOFFENDING_PREVENTION')),
  title          text NOT NULL,
  description    text NOT NULL DEFAULT '',
  hours          numeric(5, 1) NOT NULL DEFAULT 0,
  district_code  text NOT NULL DEFAULT '' CHECK (district_code = '' OR district_code ~ '^[0-9]{6}$'),
  retired        boolean NOT NULL DEFAULT false,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalogue_items_by_kind ON catalogue_items (content_kind, module, item_id);

-- The city-wide theme of a month (city_admin sets it; setting it again replaces it).
CREATE TABLE monthly_themes (
  month       date PRIMARY KEY CHECK (extract(day FROM month) = 1),
  item_id     uuid NOT NULL REFERENCES catalogue_items (item_id),
  set_by      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
