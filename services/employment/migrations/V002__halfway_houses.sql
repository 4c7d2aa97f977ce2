-- Halfway houses (阳光中途之家, issue 15 item 9) and placements in them. Occupancy is the number of
-- open placements (left_on IS NULL); admissions lock the house row, so it never exceeds places.
CREATE TABLE halfway_houses (
  house_id        uuid PRIMARY KEY,
  name            text NOT NULL,
  district_code   text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  places          integer NOT NULL CHECK (places BETWEEN 1 AND 500),
  registered_by   text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX halfway_houses_by_district ON halfway_houses (district_code, house_id);

CREATE TABLE halfway_house_placements (
  placement_id    uuid PRIMARY KEY,
  house_id        uuid NOT NULL REFERENCES halfway_houses (house_id),
  case_id         uuid NOT NULL REFERENCES cases (case_id),
  district_code   text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  admitted_on     date NOT NULL,
  left_on         date CHECK (left_on IS NULL OR left_on >= admitted_on),
  leave_reason    text NOT NULL DEFAULT '',
  recorded_by     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
-- One open placement per person (case), and the open ones of a house counted fast.
CREATE UNIQUE INDEX halfway_house_placements_open_per_case
  ON halfway_house_placements (case_id) WHERE left_on IS NULL;
CREATE INDEX halfway_house_placements_open_per_house
  ON halfway_house_placements (house_id) WHERE left_on IS NULL;
