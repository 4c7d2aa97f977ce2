-- The audit log's hash chain (docs/security.md, "Audit log"). A sealer (common/db/audit_chain.h,
-- one leader at a time per database) appends one row here for each audit_log row, in the order it
-- seals them: seq counts 1, 2, 3... without gaps; hash = SHA-256 over the previous row's hash and
-- the audit row's content in the canonical encoding `encoding` names (AuditChainEncoding in
-- common/db/audit_chain.cc). VerifyAuditChain recomputes it. Append-only like audit_log; the
-- runtime role may only SELECT and INSERT here (db/roles.h).
CREATE TABLE audit_chain (
  seq        bigint PRIMARY KEY CHECK (seq > 0),
  audit_id   bigint NOT NULL UNIQUE,
  encoding   smallint NOT NULL,
  prev_hash  bytea NOT NULL,
  hash       bytea NOT NULL,
  sealed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_append_only();
