-- Person details kept per case (docs/records.md, "Person details"). A person's name, phone and
-- addresses are versioned with the time they took effect; each case references the version it
-- was opened with, so opening a new case (perhaps in another district) never rewrites what an
-- earlier case shows. persons keeps the identity (encrypted ID number, keyed hash, birth date,
-- sex) and a copy of the current details (the version named by current_version).
CREATE TABLE person_versions (
  person_id          uuid NOT NULL REFERENCES persons (person_id),
  version            integer NOT NULL CHECK (version >= 1),
  name               text NOT NULL,
  phone              text NOT NULL DEFAULT '',
  household_address  text NOT NULL DEFAULT '',
  residence_address  text NOT NULL,
  effective_at       timestamptz NOT NULL DEFAULT now(),
  -- The district of the case that recorded these details: who may see them as a person's
  -- current details (domain::MaySeeCurrentPerson).
  district_code      text NOT NULL,
  recorded_by        text NOT NULL,
  PRIMARY KEY (person_id, version)
);

ALTER TABLE persons ADD COLUMN current_version integer NOT NULL DEFAULT 1;

-- Existing people: what persons holds now becomes version 1, in effect since it was last
-- written, recorded by their latest case's district.
INSERT INTO person_versions (person_id, version, name, phone, household_address,
                             residence_address, effective_at, district_code, recorded_by)
SELECT p.person_id, 1, p.name, p.phone, p.household_address, p.residence_address, p.updated_at,
       COALESCE((SELECT c.district_code FROM cases c WHERE c.person_id = p.person_id
                 ORDER BY c.created_at DESC, c.case_id DESC LIMIT 1), ''),
       'migration V010'
FROM persons p;

ALTER TABLE cases ADD COLUMN person_version integer NOT NULL DEFAULT 1;
ALTER TABLE cases ALTER COLUMN person_version DROP DEFAULT;
ALTER TABLE cases ADD CONSTRAINT cases_person_version_fk
  FOREIGN KEY (person_id, person_version) REFERENCES person_versions (person_id, version);
