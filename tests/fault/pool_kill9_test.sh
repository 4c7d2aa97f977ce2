#!/usr/bin/env bash
# kill -9 of ccms-records under 8-client OpenCase load, restarted at once on the same ports; the
# clients retry failed calls with the same request ids. Nothing is lost: every acknowledged
# OpenCase is stored exactly once, every stored change's event reaches ccms.records.v1 (duplicates
# only with one ce_id), per-case order kept. Figures: seconds from the kill to SERVING again,
# calls retried, retries answered with a first response, acknowledged commands checked.
# (docs/operations.md, "Database pool and retention")
source "$CCMS_SOURCE_DIR/tests/fault/lib.sh"
fault_init pool_kill9

fault_start a records
fault_load_start a open-case -c 8 --duration 10 --kv
sleep 3
[ "$(fault_sql "SELECT count(*) FROM idempotency_keys")" -gt 0 ] || fault_fail "no load before the kill"
t0=$(fault_now_ms)
fault_kill9 a
fault_log "killed ccms-records (kill -9); starting it again at once"
fault_spawn a records
fault_wait_healthy a 15 || fault_fail "ccms-records not SERVING within 15 s of its restart"
recover_ms=$(($(fault_now_ms) - t0))
fault_load_wait
# Retries of calls that had committed before the kill, answered with their first response.
replayed="$(fault_metric a ccms_command_replays_total)"
retried="$(sed -n 's/^retries=//p' "$FAULT_LOAD_OUT" | head -n 1)"
drained_s="$(fault_wait_until 30 fault_outbox_drained)" || fault_fail "outbox not drained in 30 s"
fault_nothing_lost --topic ccms.records.v1
fault_figure recover_s "$(awk -v ms="$recover_ms" 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_figure acked "$(fault_acked_count)"
fault_figure retried "${retried:-unknown}"
fault_figure replayed "${replayed:-0}"
fault_figure outbox_drained_s "$drained_s"
[ "$(awk -v ms="$recover_ms" 'BEGIN { print (ms <= 15000) }')" = 1 ] || fault_fail "recovery too slow"
fault_log "pool_kill9: passed"
