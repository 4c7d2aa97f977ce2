-- Sentence changes during the term (减刑, extensions): the court's ruling moves cases.end_date;
-- each change keeps the end date it replaced. Monitoring orders running past a new end end with
-- the term (their ends_on may now be before original_ends_on).
CREATE TABLE sentence_changes (
  change_id          uuid PRIMARY KEY,
  case_id            uuid NOT NULL REFERENCES cases (case_id),
  kind               text NOT NULL CHECK (kind IN ('REDUCTION', 'EXTENSION')),
  court              text NOT NULL,
  document_number    text NOT NULL,
  previous_end_date  date NOT NULL,
  new_end_date       date NOT NULL CHECK (new_end_date <> previous_end_date),
  effective_on       date NOT NULL,
  clamped_order_ids  text NOT NULL DEFAULT '',   -- monitoring orders cut to the new end, comma separated
  recorded_by        text NOT NULL,
  recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sentence_changes_by_case ON sentence_changes (case_id, effective_on);

-- The column check "ends_on >= original_ends_on" (V007) has a generated name: found by its text.
DO $$
DECLARE
  check_name text;
BEGIN
  SELECT conname INTO check_name FROM pg_constraint
   WHERE conrelid = 'monitoring_orders'::regclass AND contype = 'c'
     AND pg_get_constraintdef(oid) LIKE '%ends_on >= original_ends_on%';
  IF check_name IS NULL THEN
    RAISE EXCEPTION 'monitoring_orders: the check ends_on >= original_ends_on is not there';
  END IF;
  EXECUTE format('ALTER TABLE monitoring_orders DROP CONSTRAINT %I', check_name);
END
$$;
ALTER TABLE monitoring_orders ADD CONSTRAINT monitoring_orders_ends_within_order
  CHECK (ends_on >= starts_on);

-- New offences during the term (重新违法犯罪) as public security reported them: a revocation
-- ground, and counted by reporting through reoffence_recorded.
CREATE TABLE reoffences (
  reoffence_id      uuid PRIMARY KEY,
  case_id           uuid NOT NULL REFERENCES cases (case_id),
  reported_by       text NOT NULL,   -- the public-security body
  reported_on       date NOT NULL,
  occurred_on       date NOT NULL CHECK (occurred_on <= reported_on),
  offence_category  text NOT NULL,
  detained          boolean NOT NULL,
  recorded_by       text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reoffences_by_case ON reoffences (case_id, occurred_on);
