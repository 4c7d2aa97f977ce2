#!/usr/bin/env bash
# Consumer faults: SIGTERM under load. Records takes OpenCase load (100 calls a second, up to 16
# in flight: about what assessment applies in a second here) while assessment consumes the events
# it publishes; both get SIGTERM mid-load, three rounds (before the first assignment; assigned
# and busy; during the rebalance after a kill -9 of records), and both are started again at once
# (ccms-load retries under the same request ids). Every stop must exit 0 (with cooperative-sticky,
# Debian's librdkafka 2.0.2 aborted in rd_kafka_sticky_assignor_state_destroy: exit 134), calls
# end OK or with a clean status (UNAVAILABLE and DEADLINE_EXCEEDED are retried; CANCELLED is a call
# cut by the shutdown, never acknowledged), and at the end nothing is lost: every acknowledged
# OpenCase stored once, its events on ccms.records.v1 (tests/fault/nothing_lost.py), and applied
# by assessment.
# Figures: stop_s per service (worst), exits, calls acknowledged, events checked.
set -euo pipefail
source "${FAULT_LIB:-$CCMS_SOURCE_DIR/tests/fault}/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/consumer_lib.sh"
TOPIC=ccms.records.v1
ROUNDS="${CONSUMER_SIGTERM_ROUNDS:-3}"

fault_init consumer_sigterm
consumer_second_database
read -r -a EXTRA_ENV <<<"${CONSUMER_SIGTERM_ENV:-}"
start_both() {
  fault_start a records CCMS_SHUTDOWN_GRACE_MS=5000 "${EXTRA_ENV[@]}"
  FAULT_RECORDS_ADDR="${FAULT_ADDR[a]}" fault_start b assessment \
    CCMS_DB_DSN="$CONSUMER_AS_DSN" CCMS_SHUTDOWN_GRACE_MS=5000 "${EXTRA_ENV[@]}"
}
# fault_stop for two at once: SIGTERM to both, then wait for each (its seconds and exit status).
declare -A STOP_RC=() STOP_S=()
stop_both() {
  local t0 name
  t0=$(fault_now_ms)
  fault_signal a TERM
  fault_signal b TERM
  for name in a b; do
    fault_stop "$name" 30
    STOP_RC[$name]="$FAULT_RC"
    STOP_S[$name]="$(awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f\n", ms / 1000 }')"
  done
}
# The worst (largest) of two decimals.
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

fault_log "$(consumer_skip_backlog ccms-assessment ccms.records.v1)"
start_both
worst_a=0
worst_b=0
exits=""
for ((round = 1; round <= ROUNDS; round++)); do
  if [ "$round" = 3 ]; then
    # Round 3: records was killed (kill -9) and started again, so its dead predecessor is still
    # a member of group ccms-records and the group is rebalancing when SIGTERM comes, 9 s after
    # the restart. That is where 2.0.2's cooperative-sticky aborted (built with it: SIGTERM 8,
    # 9, 10 and 11 s after such a restart all exited 134).
    fault_kill9 a
    fault_start a records CCMS_SHUTDOWN_GRACE_MS=5000 "${EXTRA_ENV[@]}"
    fault_load_start a open-case --rate 100 --max-inflight 16 --duration 10
    sleep 8.5
  else
    fault_load_start a open-case --rate 100 --max-inflight 16 --duration 6
    # Round 1: 1 s after the start, before the consumers hold any partition (a group's first
    # join waits 3 s on the dev broker). Round 2: 3 s, assigned and busy (assessment's inbox
    # grows with records' events).
    if [ "$round" = 1 ]; then sleep 1; else sleep 3; fi
  fi
  fault_log "round $round: SIGTERM to records and assessment under load"
  stop_both
  fault_log "round $round: records exited ${STOP_RC[a]} in ${STOP_S[a]} s, assessment ${STOP_RC[b]} in ${STOP_S[b]} s"
  exits+="${STOP_RC[a]}/${STOP_RC[b]} "
  for name in a b; do
    if grep -q "Assertion" "$FAULT_DIR/$name.log"; then
      grep "Assertion" "$FAULT_DIR/$name.log" | head -3 >&2
      fault_fail "round $round: $name aborted on an assertion"
    fi
    [ "${STOP_RC[$name]}" = 0 ] || fault_fail "round $round: $name exited ${STOP_RC[$name]} on SIGTERM"
  done
  worst_a="$(max "$worst_a" "${STOP_S[a]}")"
  worst_b="$(max "$worst_b" "${STOP_S[b]}")"
  start_both
  fault_load_wait
  # Calls that failed for good must have failed cleanly (no INTERNAL, UNKNOWN, ...).
  if grep -E "errors:" "$FAULT_LOAD_OUT" | grep -Eqv "errors:( (UNAVAILABLE|DEADLINE_EXCEEDED|CANCELLED)=[0-9]+)+$"; then
    fault_fail "round $round: calls failed with an unclean status: $(grep errors: "$FAULT_LOAD_OUT")"
  fi
done
fault_figure exits "${exits% }"
fault_figure records_stop_s_worst "$worst_a"
fault_figure assessment_stop_s_worst "$worst_b"
fault_figure acked "$(fault_acked_count)"

# The relay flushed or left its rows for this start; then nothing is lost.
fault_wait_until 30 fault_outbox_drained >/dev/null || fault_fail "records' outbox did not drain ($(fault_unsent) left)"
fault_nothing_lost --topic "$TOPIC"
all_applied() {
  fault_sql "SELECT event_id FROM outbox WHERE topic = '$TOPIC' ORDER BY 1" >"$FAULT_DIR/written"
  consumer_as_sql "SELECT event_id FROM inbox WHERE consumer = 'ccms-assessment' ORDER BY 1" >"$FAULT_DIR/applied"
  [ -s "$FAULT_DIR/written" ] && [ -z "$(comm -23 "$FAULT_DIR/written" "$FAULT_DIR/applied")" ]
}
fault_wait_until 90 all_applied >/dev/null ||
  fault_fail "assessment did not apply $(comm -23 "$FAULT_DIR/written" "$FAULT_DIR/applied" | wc -l) of records' events"
fault_figure assessment_events_checked "$(wc -l <"$FAULT_DIR/written")"
fault_log "consumer_sigterm: passed"
