-- Events that could not be handled after the policy's number of attempts (docs/operations.md,
-- "Dead letters"): outbox rows the broker kept refusing (source 'outbox') and consumed events a
-- consumer kept failing on or could not decode (source = the consumer group). Operators list,
-- inspect and requeue them with `ccmsctl dead-letters`; a requeue sets requeued_at and the owner
-- (the relay, or the consumer of that group) takes the row back and sets resolved_at.
CREATE TABLE dead_letters (
  id              bigserial PRIMARY KEY,
  source          text NOT NULL,          -- 'outbox' or the consumer group
  event_id        uuid,                   -- NULL when the payload is no envelope
  event_type      text NOT NULL DEFAULT '',
  topic           text NOT NULL,
  record_key      text NOT NULL DEFAULT '',
  kafka_partition integer,                -- consumed events: where they were read
  kafka_offset    bigint,
  outbox_id       bigint,                 -- outbox rows: their id (the order they were written in)
  payload         bytea NOT NULL,         -- kept for the requeue; never shown by any API
  error_class     text NOT NULL,          -- a stable code (e.g. DECODE, HANDLER_INTERNAL,
                                          -- BROKER_MSG_TOO_LARGE), never a message text
  attempts        integer NOT NULL,
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  dead_at         timestamptz NOT NULL DEFAULT now(),
  requeued_at     timestamptz,
  resolved_at     timestamptz
);
CREATE INDEX dead_letters_open ON dead_letters (source, id) WHERE resolved_at IS NULL;

-- The relay counts the failed attempts of a row before it dead-letters it.
ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;

-- Retention (docs/operations.md, "Retention"): old idempotency keys and inbox rows are pruned.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
CREATE INDEX inbox_processed_at ON inbox (processed_at);
