#!/usr/bin/env bash
# PostgreSQL restarted (pg_ctl restart -m fast) under 8-client OpenCase load while the brokers are
# down: ccms-records survives, answers again within 15 s of PostgreSQL's return, and publishes
# everything once the brokers return (docs/operations.md, "Relay faults and dead letters").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_init relay_pg_restart

fault_start a records
fault_load_start a open-case -c 8 --duration 12
sleep 2
fault_log "brokers down"
fault_broker down all >/dev/null
sleep 2 # the relay now waits for delivery reports of a batch it sent
[ "$(fault_unsent)" -gt 0 ] || fault_fail "no outbox rows wait while the brokers are down"

fault_log "PostgreSQL restart (-m fast)"
t_restart=$(fault_now_ms)
fault_pg_restart
t_pg_back=$(fault_now_ms)
fault_figure pg_restart_s "$(awk -v ms=$((t_pg_back - t_restart)) 'BEGIN { printf "%.1f", ms / 1000 }')"
sleep 1
fault_alive a || fault_fail "ccms-records died after PostgreSQL's restart"
fault_wait_healthy a 15 || fault_fail "ccms-records not SERVING within 15 s of PostgreSQL's return"
fault_figure answers_again_s "$(awk -v ms=$(($(fault_now_ms) - t_pg_back)) 'BEGIN { printf "%.1f", ms / 1000 }')"

sleep 3 # calls go on with the brokers still down; the relay reconnects meanwhile
fault_alive a || fault_fail "ccms-records died while the brokers were down"
fault_log "brokers up"
fault_broker up all >/dev/null
t_up=$(fault_now_ms)
fault_load_wait
fault_wait_until 60 fault_outbox_drained >/dev/null ||
  fault_fail "the outbox was not drained within 60 s (ccms-records alive: $(fault_alive a && echo yes || echo no))"
fault_figure published_after_brokers_up_s "$(awk -v ms=$(($(fault_now_ms) - t_up)) 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_alive a || fault_fail "ccms-records died after the brokers returned"
fault_figure process_survived 1
fault_figure relay_reconnects "$(fault_metric a ccms_outbox_relay_reconnects_total)"
[ "$(fault_acked_count)" -gt 0 ] || fault_fail "no OpenCase call was acknowledged"
fault_nothing_lost --topic ccms.records.v1
fault_log "ok"
