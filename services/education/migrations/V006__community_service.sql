-- Community service (公益活动, issue 14 item 9; seed standard 7.6): the district's project
-- library, the person's profile and the projects joined, activities with minutes served, and
-- waivers. Codes, dates and minutes; the organiser is an organisation's name, never a person's.

CREATE TABLE cs_projects (
  project_id     uuid PRIMARY KEY,
  district_code  text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  title          text NOT NULL,
  organiser      text NOT NULL,
  mode           text NOT NULL CHECK (mode IN ('CENTRALIZED', 'DISPERSED')),
  age_bands      text[] NOT NULL DEFAULT '{}',
  sexes          text[] NOT NULL DEFAULT '{}',
  effort         text NOT NULL CHECK (effort IN ('LIGHT', 'FULL')),
  skills         text[] NOT NULL DEFAULT '{}',
  capacity       integer NOT NULL CHECK (capacity > 0),
  starts_on      date NOT NULL,
  ends_on        date NOT NULL CHECK (ends_on >= starts_on),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL
);
CREATE INDEX cs_projects_by_district ON cs_projects (district_code, project_id);

-- What a person's health allows and the skills a person has (matched against projects).
CREATE TABLE cs_profiles (
  case_id     uuid PRIMARY KEY REFERENCES cases (case_id),
  max_effort  text NOT NULL CHECK (max_effort IN ('LIGHT', 'FULL')),
  skills      text[] NOT NULL DEFAULT '{}',
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- The person's plan: the projects joined. A project's row is locked while a place is taken, so
-- the count of members never passes its capacity.
CREATE TABLE cs_members (
  project_id  uuid NOT NULL REFERENCES cs_projects (project_id),
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  joined_by   text NOT NULL,
  joined_at   timestamptz NOT NULL,
  PRIMARY KEY (project_id, case_id)
);
CREATE INDEX cs_members_by_case ON cs_members (case_id);

CREATE TABLE cs_activities (
  activity_id     uuid PRIMARY KEY,
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  project_id      uuid REFERENCES cs_projects (project_id),
  self_initiated  boolean NOT NULL,
  organiser       text NOT NULL DEFAULT '',
  served_on       date NOT NULL,
  minutes         integer NOT NULL CHECK (minutes > 0),
  status          text NOT NULL CHECK (status IN ('CREDITED', 'PENDING_VERIFICATION', 'REJECTED')),
  recorded_by     text NOT NULL,
  verified_by     text NOT NULL DEFAULT '',
  verified_on     date,
  created_at      timestamptz NOT NULL,
  CHECK (self_initiated = (project_id IS NULL))
);
-- The monthly ledger reads a case's credited minutes of a month (CommunityServiceMonth).
CREATE INDEX cs_activities_by_case_day ON cs_activities (case_id, served_on);

CREATE TABLE cs_waivers (
  waiver_id   uuid PRIMARY KEY,
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  reason      text NOT NULL CHECK (reason IN ('HEALTH', 'OTHER')),
  from_day    date NOT NULL,
  until_day   date NOT NULL CHECK (until_day >= from_day),
  decided_by  text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX cs_waivers_by_case ON cs_waivers (case_id, from_day);
