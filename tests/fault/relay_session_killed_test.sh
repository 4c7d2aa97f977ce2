#!/usr/bin/env bash
# The relay's PostgreSQL session killed (pg_terminate_backend) during a broker outage, under
# OpenCase load: ccms-records survives, its relay reconnects (with backoff) and takes the lock
# again, and everything is published once the brokers return (docs/operations.md, "Relay faults
# and dead letters").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_init relay_session_killed

relay_sessions() {
  fault_psql -c "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
    WHERE a.datname = '$FAULT_DB' AND a.application_name = 'ccms-records-relay'
      AND l.locktype = 'advisory' AND l.granted"
}
relay_leads() { [ "$(relay_sessions)" = 1 ]; }

fault_start a records
fault_wait_until 10 relay_leads >/dev/null || fault_fail "no relay session holds the lock"
fault_load_start a open-case -c 4 --duration 8
sleep 1
fault_log "brokers down"
fault_broker down all >/dev/null
sleep 2
killed=0
for round in 1 2; do
  fault_log "pg_terminate_backend of the relay's session (round $round)"
  n=$(fault_psql -c "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '$FAULT_DB' AND application_name = 'ccms-records-relay') t")
  [ "$n" = 1 ] || fault_fail "expected one relay session, found $n"
  killed=$((killed + 1))
  took=$(fault_wait_until 15 relay_leads) || fault_fail "the relay did not take the lock again within 15 s"
  fault_figure "relay_back_s_round$round" "$took"
  fault_alive a || fault_fail "ccms-records died"
  sleep 1
done
fault_figure sessions_killed "$killed"
fault_log "brokers up"
fault_broker up all >/dev/null
t_up=$(fault_now_ms)
fault_load_wait
fault_wait_until 60 fault_outbox_drained >/dev/null ||
  fault_fail "the outbox was not drained within 60 s (ccms-records alive: $(fault_alive a && echo yes || echo no))"
fault_figure published_after_brokers_up_s "$(awk -v ms=$(($(fault_now_ms) - t_up)) 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_alive a || fault_fail "ccms-records died after the brokers returned"
fault_figure relay_reconnects "$(fault_metric a ccms_outbox_relay_reconnects_total)"
fault_nothing_lost --topic ccms.records.v1
fault_log "ok"
