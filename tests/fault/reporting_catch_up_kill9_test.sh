#!/usr/bin/env bash
# Reporting's catch-up mode under kill -9 (docs/reporting.md, "Catch-up"): ccms-reporting
# --rebuild reads the topics from the beginning in catch-up mode; it is killed -9 once while it
# keeps occurrences and marks cases dirty, and once while it builds the dirty cases, and started
# again each time. Its projections must then equal those of another ccms-reporting that read the
# same events once, without catch-up and without a fault (every row of every projection table).
# Figures: events, cases, inbox rows when killed in each phase, dirty cases left at the second
# kill, seconds from the last restart to the end of catch-up.
set -euo pipefail
source "${FAULT_LIB:-$CCMS_SOURCE_DIR/tests/fault}/lib.sh"

fault_init reporting_catch_up
# Reporting's tables beside records' would clash (inbox, outbox, audit log): a database each for
# the reference (c) and the instance under test (b).
REF_DB="${FAULT_DB}_ref"
TEST_DB="${FAULT_DB}_b"
dsn_of() { echo "host=127.0.0.1 port=$FAULT_PG_PORT dbname=$1 user=postgres"; }
fault_psql -c "CREATE DATABASE $REF_DB" >/dev/null
fault_psql -c "CREATE DATABASE $TEST_DB" >/dev/null
catch_up_cleanup() {
  local rc=$?
  local name
  for name in "${!FAULT_PID[@]}"; do kill -KILL "${FAULT_PID[$name]}" 2>/dev/null || true; done
  if [ "$rc" -eq 0 ]; then
    fault_psql -c "DROP DATABASE IF EXISTS $REF_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fault_psql -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  (exit "$rc")
  fault_cleanup
}
trap catch_up_cleanup EXIT
ref_sql() { fault_psql -d "$REF_DB" -c "$1"; }
test_sql() { fault_psql -d "$TEST_DB" -c "$1"; }

# The events: cases opened, and the intake check-in of some of them, on the records topic (the
# broker was emptied before this test: nothing else is on it).
CASES="${CATCH_UP_CASES:-4000}"
fault_start a records
fault_load a open-case --count "$CASES" -c 16
"$FAULT_LOAD_BIN" check-in --addr "${FAULT_ADDR[a]}" --key-file "$FAULT_DIR/jwt-keys.json" \
  --count $((CASES / 2)) -c 8 --warmup 0 --quiet >"$FAULT_DIR/check-in.out" 2>&1 ||
  fault_fail "check-in load failed (see $FAULT_DIR/check-in.out)"
outbox_sent() { [ "$(fault_sql "SELECT count(*) FROM outbox WHERE sent_at IS NULL")" = 0 ]; }
fault_wait_until 60 outbox_sent >/dev/null || fault_fail "records did not publish its outbox"
EVENTS="$(fault_sql "SELECT count(*) FROM outbox")"
fault_stop a
fault_log "$EVENTS events of $CASES cases on the records topic"
fault_figure events "$EVENTS"
fault_figure cases "$CASES"

# The reference: every event applied once, as it comes (no catch-up), no fault.
fault_start c reporting CCMS_DB_DSN="$(dsn_of "$REF_DB")" CCMS_REPORTING_CATCH_UP=false
ref_done() { [ "$(ref_sql "SELECT count(*) FROM inbox")" = "$EVENTS" ]; }
fault_wait_until 120 ref_done >/dev/null || fault_fail "the reference applied $(ref_sql "SELECT count(*) FROM inbox") of $EVENTS events"
fault_stop c

# The instance under test: small batches and chunks (catch-up's larger batches and the closed
# cases built beside them too), so each phase lasts long enough to be hit.
# After a kill -9 the dev broker (which ignores static membership) rejoins the group only when
# the dead member's session has expired: a 4 s session. The idle clock that ends catch-up counts
# from the partition assignment (since rep-fast; from the process's start before, which is why
# the 12 s of idleness were needed so that the mode did not end before the first batch).
# The end comes from idleness only (the short-batch rule off), so that every event is in and
# the dirty set whole when the build begins: after the restart the first batches came short and
# ended the mode before the script could see the build under way.
B_ENV=(CCMS_DB_DSN="$(dsn_of "$TEST_DB")" CCMS_CONSUMER_MAX_BATCH=20
  CCMS_REPORTING_CATCH_UP_BATCH=20 CCMS_REPORTING_CATCH_UP_CHUNK=10
  CCMS_REPORTING_CATCH_UP_SHORT_BATCHES=1000 CCMS_REPORTING_CATCH_UP_IDLE_SECONDS=12
  CCMS_KAFKA_SESSION_TIMEOUT_MS=4000)
inbox_rows() { test_sql "SELECT count(*) FROM inbox"; }
dirty_cases() { test_sql "SELECT count(*) FROM dirty_case"; }
catching_up() { [ "$(test_sql "SELECT active FROM projection_catch_up")" = t ]; }

# Started with --rebuild (a new generation: a consumer group of its own, from the topics'
# beginning, in catch-up mode), and the first kill: while occurrences are kept, a third of the
# way in.
FAULT_ARGS[b]=--rebuild
fault_spawn b reporting "${B_ENV[@]}"
third_in() { [ "$(inbox_rows)" -ge $((EVENTS / 3)) ]; }
fault_wait_until 120 third_in >/dev/null || fault_fail "the rebuild never reached a third of the events"
fault_signal b STOP  # frozen where it is, then killed: no batch slips in between
fault_kill9 b
KILLED_AT="$(inbox_rows)"
fault_log "kill -9 while keeping occurrences: $KILLED_AT of $EVENTS events in"
[ "$KILLED_AT" -lt "$EVENTS" ] || fault_fail "the first kill came after every event was in"
catching_up || fault_fail "not in catch-up mode at the first kill"
fault_figure inbox_at_kill1 "$KILLED_AT"

# Started again (no --rebuild: the same generation, from its committed offsets): the second
# kill while the dirty cases are built, some built and some left.
fault_spawn b reporting "${B_ENV[@]}"
DIRTY_MAX=0
building() {
  local n
  n="$(dirty_cases)"
  [ "$(inbox_rows)" = "$EVENTS" ] || return 1
  [ "$n" -gt "$DIRTY_MAX" ] && DIRTY_MAX="$n"
  [ "$n" -gt 0 ] && [ "$n" -lt "$DIRTY_MAX" ]
}
# Every event in, the dirty set at its largest, then shrinking.
all_in() { [ "$(inbox_rows)" = "$EVENTS" ]; }
fault_wait_until 120 all_in >/dev/null || fault_fail "after the restart only $(inbox_rows) of $EVENTS events came in"
DIRTY_MAX="$(dirty_cases)"
[ "$DIRTY_MAX" -gt 0 ] || fault_fail "no dirty case to build after every event came in"
fault_wait_until 60 building >/dev/null || fault_fail "the build of the dirty cases was not seen under way"
fault_signal b STOP
fault_kill9 b
LEFT="$(dirty_cases)"
fault_log "kill -9 while building: $LEFT of $DIRTY_MAX dirty cases left"
[ "$LEFT" -gt 0 ] || fault_fail "the second kill came after the build ended"
catching_up || fault_fail "not in catch-up mode at the second kill"
fault_figure dirty_at_kill2 "$LEFT"
fault_figure dirty_before_build "$DIRTY_MAX"

t0=$(fault_now_ms)
fault_spawn b reporting "${B_ENV[@]}"
caught_up() { ! catching_up && [ "$(dirty_cases)" = 0 ]; }
fault_wait_until 120 caught_up >/dev/null || fault_fail "catch-up did not end after the last restart"
fault_figure catch_up_end_s "$(awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_stop b

# Every projection row equal to the reference's (case_projection without its write time).
differences=0
for table in occurrence case_projection case_span case_flow worklist_item service_fact; do
  sql="SELECT count(*) || ' ' || coalesce(md5(string_agg(r, '|' ORDER BY r)), '-')
       FROM (SELECT (to_jsonb(t) - 'updated_at')::text AS r FROM $table t) x"
  ref="$(ref_sql "$sql")"
  got="$(test_sql "$sql")"
  if [ "$ref" = "$got" ]; then
    fault_log "$table: ${ref%% *} rows, equal"
  else
    fault_log "$table: the reference has ${ref%% *} rows, after the kills ${got%% *}: they differ"
    differences=$((differences + 1))
  fi
done
[ "$(ref_sql "SELECT count(*) FROM case_projection")" -ge "$CASES" ] ||
  fault_fail "the reference projects fewer cases than were opened"
fault_figure tables_differing "$differences"
[ "$differences" = 0 ] || fault_fail "$differences projection table(s) differ from the reference"
fault_log "reporting_catch_up: passed"
