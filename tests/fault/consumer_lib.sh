# Consumer fault tests' helpers (sourced after tests/fault/lib.sh and fault_init): assessment runs
# on a database of its own (records and assessment both have a table "cases"), dropped on success.
CONSUMER_AS_DB=""
CONSUMER_AS_DSN=""
consumer_second_database() {
  CONSUMER_AS_DB="${FAULT_DB}_as"
  CONSUMER_AS_DSN="host=127.0.0.1 port=$FAULT_PG_PORT dbname=$CONSUMER_AS_DB user=postgres"
  fault_psql -c "CREATE DATABASE $CONSUMER_AS_DB" >/dev/null
  trap consumer_cleanup EXIT
}
consumer_cleanup() {
  local rc=$?
  local name
  for name in "${!FAULT_PID[@]}"; do kill -KILL "${FAULT_PID[$name]}" 2>/dev/null || true; done
  if [ "$rc" -eq 0 ]; then
    fault_psql -c "DROP DATABASE IF EXISTS $CONSUMER_AS_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  (exit "$rc")
  fault_cleanup
}
consumer_as_sql() { fault_psql -d "$CONSUMER_AS_DB" -c "$1"; }

# consumer_skip_backlog GROUP TOPIC: commits GROUP's offsets at the end of TOPIC (kcat reads to
# the end in that group), so the service started next consumes only what this test produces.
# Other fault tests leave tens of thousands of events on ccms.records.v1, which assessment would
# otherwise apply first (about 110 a second here). Takes about 5 s (the broker's join delay).
consumer_skip_backlog() {
  local group="$1" topic="$2"
  timeout 60 kcat -b "$CCMS_TEST_KAFKA_BOOTSTRAP" -G "$group" -X auto.offset.reset=earliest \
    -X session.timeout.ms=6000 -X partition.assignment.strategy=roundrobin -e -q -f '\n' \
    "$topic" 2>"$FAULT_DIR/kcat-skip.err" | wc -l | xargs -I{} echo "skipped {} old record(s) of $topic for $group"
}
