-- Report snapshots (docs/reporting.md, "Snapshots and restatements"): each run of a report
-- definition for a period and a scope is a version; a published version is frozen. Counts only:
-- never a name, an ID number or a place.

CREATE TABLE report_snapshot (
  report_id           text NOT NULL,
  scope               text NOT NULL,          -- '' for the city, else a district code
  period_start        date NOT NULL,
  version             integer NOT NULL CHECK (version > 0),
  period_end          date NOT NULL,          -- exclusive
  definitions_version text NOT NULL,
  reports_version     text NOT NULL,
  policy_version      text NOT NULL,
  -- Where the projections stood: [{"topic", "partition", "next_offset"}] from reporting's inbox
  -- (the applied position of the generation's consumer group).
  positions           jsonb NOT NULL,
  content             text NOT NULL,          -- the canonical JSON the checksum covers
  checksum            text NOT NULL,          -- SHA-256 of content, hex
  computed_at         timestamptz NOT NULL DEFAULT now(),
  published_at        timestamptz,
  PRIMARY KEY (report_id, scope, period_start, version)
);

-- A published version never changes and is never removed; the runtime role can neither update
-- nor delete it, nor truncate the table.
CREATE FUNCTION report_snapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'report snapshots cannot be truncated' USING ERRCODE = '55000';
  END IF;
  IF OLD.published_at IS NOT NULL THEN
    RAISE EXCEPTION 'a published report snapshot is frozen' USING ERRCODE = '55000';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER report_snapshot_frozen BEFORE UPDATE OR DELETE ON report_snapshot
  FOR EACH ROW EXECUTE FUNCTION report_snapshot_frozen();
CREATE TRIGGER report_snapshot_no_truncate BEFORE TRUNCATE ON report_snapshot
  FOR EACH STATEMENT EXECUTE FUNCTION report_snapshot_frozen();
