-- Snapshots as known at an instant and of one office; export jobs' files in chunks, and their
-- expiry (docs/reporting.md, "Snapshots and restatements" and "Exports").

-- A snapshot's scope may be one office of its district (office_id; '' = every office, as before),
-- and a run may count only the events recorded by an instant (as_known_at; NULL = all it knew).
-- The primary key gains the office. Neither statement updates a row: the frozen trigger of V002
-- is not involved, and every published row stays as it was.
ALTER TABLE report_snapshot
  ADD COLUMN office_id   text NOT NULL DEFAULT '',
  ADD COLUMN as_known_at timestamptz;
ALTER TABLE report_snapshot DROP CONSTRAINT report_snapshot_pkey;
ALTER TABLE report_snapshot ADD PRIMARY KEY (report_id, scope, office_id, period_start, version);

-- Export jobs: the snapshot's office, and when a finished job's files go (expires_at: its
-- finishing time plus the policy's reporting.export.retention_days) and went (expired_at: the
-- maintenance removed its files; the row stays, codes and counts only, so a fetch can name the
-- expiry). Jobs finished before this migration keep the default 7 days.
ALTER TABLE export_job
  ADD COLUMN office_id  text NOT NULL DEFAULT '',
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN expired_at timestamptz;
UPDATE export_job SET expires_at = finished_at + interval '7 days' WHERE finished_at IS NOT NULL;
CREATE INDEX export_job_expiring ON export_job (expires_at) WHERE expired_at IS NULL;

-- A job's file is kept in chunks of at most CCMS_REPORTING_EXPORT_CHUNK_BYTES, fetched one by one
-- (GetExportChunk): no gRPC message carries a whole large file. export_job_file keeps each file's
-- name, type, size and chunk count; the bytes move to export_job_chunk (one chunk per file
-- written before this migration).
CREATE TABLE export_job_chunk (
  job_id  text NOT NULL,
  ord     integer NOT NULL,
  chunk   integer NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (job_id, ord, chunk),
  FOREIGN KEY (job_id, ord) REFERENCES export_job_file (job_id, ord) ON DELETE CASCADE
);
ALTER TABLE export_job_file
  ADD COLUMN size_bytes  bigint NOT NULL DEFAULT 0,
  ADD COLUMN chunk_count integer NOT NULL DEFAULT 1;
INSERT INTO export_job_chunk (job_id, ord, chunk, content)
  SELECT job_id, ord, 0, content FROM export_job_file;
UPDATE export_job_file SET size_bytes = length(content);
ALTER TABLE export_job_file DROP COLUMN content;
