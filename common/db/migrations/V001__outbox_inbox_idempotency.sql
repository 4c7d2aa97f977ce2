-- Tables every ccms service has. See docs/architecture.md (outbox, inbox, idempotency).

-- Events written in the same transaction as the change they describe; the relay publishes them
-- in id order and stamps sent_at on the broker's delivery report.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  event_id    uuid NOT NULL UNIQUE,
  topic       text NOT NULL,
  record_key  text NOT NULL,
  event_type  text NOT NULL,
  payload     bytea NOT NULL,          -- serialized ccms.events.v1.Envelope
  occurred_at timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  sent_at     timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Events this service has consumed, recorded in the same transaction as their effect.
CREATE TABLE inbox (
  consumer     text NOT NULL,
  event_id     uuid NOT NULL,
  event_type   text NOT NULL,
  topic        text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset bigint NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Client request ids of mutating calls: a retry returns the first result.
CREATE TABLE idempotency_keys (
  request_id   uuid PRIMARY KEY,
  method       text NOT NULL,
  subject      text NOT NULL,
  resource_id  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
