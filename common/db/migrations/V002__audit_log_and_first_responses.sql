-- A retry of a mutating call returns the first response: its bytes are kept with the request id
-- (common/db/command.h). The resource id is no longer needed for that.
ALTER TABLE idempotency_keys ADD COLUMN response bytea;
ALTER TABLE idempotency_keys ALTER COLUMN resource_id SET DEFAULT '';

-- Who did what to which case, appended in the same transaction as the change (common/db/audit.h);
-- a denial is audited too. No API updates or deletes it, and neither can anyone else: the
-- trigger refuses UPDATE, DELETE and TRUNCATE whatever the role's grants.
CREATE TABLE audit_log (
  audit_id    bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  actor_role  text NOT NULL,
  action      text NOT NULL,
  case_id     uuid,
  result      text NOT NULL,
  request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_case ON audit_log (case_id, at);
CREATE INDEX audit_log_by_actor ON audit_log (actor, at);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
