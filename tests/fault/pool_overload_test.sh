#!/usr/bin/env bash
# Overload: 64 clients (OpenCase, no client retries) against ccms-records with a worker queue of
# 16 (CCMS_WORKER_QUEUE_LIMIT=16, 4 workers). The excess is shed at once with RESOURCE_EXHAUSTED,
# the calls served keep a bounded p99 (printed), the process stays under 512 MiB (peak RSS), it is
# SERVING afterwards and answers the next calls, and every acknowledged call is stored exactly
# once with its event on the topic.
# (docs/operations.md, "Database pool and retention")
source "$CCMS_SOURCE_DIR/tests/fault/lib.sh"
fault_init pool_overload

fault_start a records CCMS_WORKER_QUEUE_LIMIT=16 CCMS_DB_POOL_SIZE=4
out="$FAULT_DIR/overload.out"
"$FAULT_LOAD_BIN" open-case --addr "${FAULT_ADDR[a]}" --key-file "$FAULT_DIR/jwt-keys.json" \
  --warmup 1 --duration 8 -c 64 --timeout 5 --quiet --kv --acked "$FAULT_DIR/acked.overload" \
  >"$out" 2>&1 || fault_fail "ccms-load failed: $(tail -n 5 "$out")"
cat "$FAULT_DIR/acked.overload" >>"$FAULT_DIR/acked"
sed 's/^/  load: /' "$out"
kv() { sed -n "s/^$1=//p" "$out" | head -n 1; }
shed="$(kv total.errors.RESOURCE_EXHAUSTED)"
served="$(kv total.ok)"
ok_p99="$(kv total.ok_latency_ms.p99)"
other_errors="$(grep '^total\.errors\.' "$out" | grep -v RESOURCE_EXHAUSTED || true)"
peak_kib="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/${FAULT_PID[a]}/status")"
fault_alive a || fault_fail "ccms-records died under overload"
[ "${shed:-0}" -gt 0 ] || fault_fail "nothing was shed with RESOURCE_EXHAUSTED"
[ "${served:-0}" -gt 0 ] || fault_fail "nothing was served"
[ -z "$other_errors" ] || fault_fail "errors other than RESOURCE_EXHAUSTED: $other_errors"
[ "$peak_kib" -lt $((512 * 1024)) ] || fault_fail "peak RSS ${peak_kib} KiB is over 512 MiB"
# Bounded: a served call waits behind at most 16 queued ones (4 workers), far below its deadline.
awk -v p="$ok_p99" 'BEGIN { exit !(p < 1000) }' || fault_fail "served p99 ${ok_p99} ms is not bounded"
fault_wait_healthy a 5 || fault_fail "not SERVING after the overload"
after="$FAULT_DIR/after.out"
"$FAULT_LOAD_BIN" open-case --addr "${FAULT_ADDR[a]}" --key-file "$FAULT_DIR/jwt-keys.json" \
  --warmup 0 --count 50 -c 2 --timeout 5 --quiet --kv --acked "$FAULT_DIR/acked.after" >"$after" 2>&1 ||
  fault_fail "calls after the overload failed"
cat "$FAULT_DIR/acked.after" >>"$FAULT_DIR/acked"
[ "$(sed -n 's/^total\.ok=//p' "$after" | head -n 1)" = 50 ] || fault_fail "not every call after the overload was served"
fault_wait_until 30 fault_outbox_drained >/dev/null || fault_fail "outbox not drained in 30 s"
fault_nothing_lost --topic ccms.records.v1
fault_figure shed "$shed"
fault_figure served "$served"
fault_figure served_p99_ms "$ok_p99"
fault_figure all_p99_ms "$(kv total.latency_ms.p99)"
fault_figure peak_rss_mib "$((peak_kib / 1024))"
fault_log "pool_overload: passed"
