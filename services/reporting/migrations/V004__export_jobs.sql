-- Export jobs (docs/reporting.md, "Exports"): a snapshot version written as files in the
-- background, for large exports. StartExport queues a row (in its command's transaction); a
-- worker of any replica claims it (FOR UPDATE SKIP LOCKED), writes the files table by table,
-- counting the rows, and keeps them here until fetched with GetExportJob. Counts and codes
-- only, like the snapshots they come from.
CREATE TABLE export_job (
  job_id        text PRIMARY KEY,
  report_id     text NOT NULL,
  scope         text NOT NULL,  -- '' for the city, else a district code (who may read it)
  period_start  date NOT NULL,
  version       integer NOT NULL,
  format        text NOT NULL CHECK (format IN ('CSV', 'XLSX')),
  state         text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
  rows_done     bigint NOT NULL DEFAULT 0,
  rows_total    bigint NOT NULL DEFAULT 0,
  checksum      text NOT NULL DEFAULT '',
  failure       text NOT NULL DEFAULT '',
  requested_by  text NOT NULL,  -- the caller's subject
  created_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz,    -- the running worker's last progress
  finished_at   timestamptz
);
CREATE INDEX export_job_queued ON export_job (created_at) WHERE state = 'QUEUED';

-- A finished job's files, in order (one per table for CSV, one workbook for XLSX).
CREATE TABLE export_job_file (
  job_id     text NOT NULL REFERENCES export_job (job_id) ON DELETE CASCADE,
  ord        integer NOT NULL,
  name       text NOT NULL,
  media_type text NOT NULL,
  content    bytea NOT NULL,
  PRIMARY KEY (job_id, ord)
);
