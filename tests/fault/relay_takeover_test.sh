#!/usr/bin/env bash
# Two instances of ccms-records on one database; the one whose relay leads is killed (kill -9)
# under load (cases opened, then checked in: two events per case): the other's relay takes the
# lock within 10 s and publishes everything, each case's events in order (docs/operations.md,
# "Relay faults and dead letters").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_init relay_takeover

leads() { [ "$(fault_metric "$1" ccms_outbox_relay_leader)" = 1 ]; }

fault_start a records
fault_wait_until 10 leads a >/dev/null || fault_fail "instance a's relay does not lead"
fault_start b records
sleep 1
leads b && fault_fail "both relays lead"
# The load goes to b, which lives on; a leads and publishes what b commits.
fault_load_start b check-in --seed 1500 --seed-concurrency 4 -c 4 --duration 8
sleep 2.5
[ "$(fault_sql "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")" -gt 0 ] ||
  fault_fail "nothing published before the kill"
fault_log "kill -9 of a (the leader)"
fault_kill9 a
fault_figure published_before_kill "$(fault_sql "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")"
took=$(fault_wait_until 10 leads b) || fault_fail "b's relay did not take over within 10 s"
fault_figure takeover_s "$took"
fault_load_wait
fault_wait_until 60 fault_outbox_drained >/dev/null ||
  fault_fail "the outbox was not drained within 60 s (b alive: $(fault_alive b && echo yes || echo no))"
fault_figure events_per_case_max "$(fault_sql "SELECT max(n) FROM (SELECT count(*) n FROM outbox GROUP BY record_key) t")"
fault_figure cases_with_two_events "$(fault_sql "SELECT count(*) FROM (SELECT record_key FROM outbox GROUP BY record_key HAVING count(*) > 1) t")"
fault_nothing_lost --topic ccms.records.v1
fault_log "ok"
