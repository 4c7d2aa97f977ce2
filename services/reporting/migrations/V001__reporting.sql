-- Reporting's projections (docs/reporting.md, "Projections"), built only from the events of
-- ccms.records.v1 and ccms.assessment.v1. `ccms-reporting --rebuild` empties them and reads the
-- topics again from the beginning under a new consumer group (projection_generation).

-- Every event that tells reporting something about a case, as it arrived (never a name, an ID
-- number or a place). A case's time line is recomputed from these after each event, so a
-- back-dated or late event lands where it belongs.
CREATE TABLE occurrence (
  event_id         text PRIMARY KEY,
  case_id          text NOT NULL,
  kind             text NOT NULL,
  on_day           date NOT NULL,
  seq              bigint NOT NULL,
  district_code    text NOT NULL,
  office_id        text NOT NULL,
  sentence_kind    text NOT NULL,
  sex              text NOT NULL,
  age_band         text NOT NULL,
  offence_category text NOT NULL,
  level            text NOT NULL,
  code             text NOT NULL,
  minor            boolean NOT NULL,
  flag             boolean NOT NULL,
  deadline         date,
  as_of            date
);
CREATE INDEX occurrence_case ON occurrence (case_id);

-- The per-case projection: the case as it stands now.
CREATE TABLE case_projection (
  case_id          text PRIMARY KEY,
  start_on         date NOT NULL,
  closed_on        date,
  close_reason     text NOT NULL,
  district_code    text NOT NULL,
  office_id        text NOT NULL,
  sentence_kind    text NOT NULL,
  sex              text NOT NULL,
  age_band         text NOT NULL,
  offence_category text NOT NULL,
  level            text NOT NULL,
  minor            boolean NOT NULL,
  key_attention    boolean NOT NULL,
  lost_contact     boolean NOT NULL,
  never_reported   boolean NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_projection_district ON case_projection (district_code);

-- The time line: the case on the register in one state from valid_from until valid_to
-- (exclusive; NULL while it lasts).
CREATE TABLE case_span (
  case_id          text NOT NULL,
  valid_from       date NOT NULL,
  valid_to         date,
  district_code    text NOT NULL,
  office_id        text NOT NULL,
  sentence_kind    text NOT NULL,
  sex              text NOT NULL,
  age_band         text NOT NULL,
  offence_category text NOT NULL,
  level            text NOT NULL,
  minor            boolean NOT NULL,
  key_attention    boolean NOT NULL,
  lost_contact     boolean NOT NULL,
  never_reported   boolean NOT NULL,
  PRIMARY KEY (case_id, valid_from)
);
CREATE INDEX case_span_from ON case_span (valid_from);

-- Changes counted in a period (received, closed, sanctions, violations, contacts, …) with the
-- case's state on their day.
CREATE TABLE case_flow (
  case_id          text NOT NULL,
  ord              integer NOT NULL,
  kind             text NOT NULL,
  code             text NOT NULL,
  on_day           date NOT NULL,
  district_code    text NOT NULL,
  office_id        text NOT NULL,
  sentence_kind    text NOT NULL,
  sex              text NOT NULL,
  age_band         text NOT NULL,
  offence_category text NOT NULL,
  level            text NOT NULL,
  minor            boolean NOT NULL,
  key_attention    boolean NOT NULL,
  lost_contact     boolean NOT NULL,
  never_reported   boolean NOT NULL,
  PRIMARY KEY (case_id, ord)
);
CREATE INDEX case_flow_day ON case_flow (on_day);

-- Which generation of the projections is being built: the consumer group is
-- ccms-reporting-g<generation>.
CREATE TABLE projection_generation (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation  integer NOT NULL,
  rebuilt_at  timestamptz
);
INSERT INTO projection_generation (singleton, generation) VALUES (true, 1);
