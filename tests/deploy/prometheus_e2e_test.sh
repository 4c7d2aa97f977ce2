#!/usr/bin/env bash
# End to end: deploy/dev/up --detach --with-prometheus in a private run folder on free ports;
# ccmsctl calls every service; then Prometheus' targets API shows every service of SERVICES up,
# grpc_server_handled_total has series for each, and the alert rules are loaded;
# deploy/dev/down stops Prometheus with the rest. (Same pattern as tests/e2e/stack_test.sh, own
# state.)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_chartrender
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"

# The services of the dev stack: "name grpc metrics" from deploy/dev/up's SERVICES (offset 0).
# shellcheck disable=SC2016  # matching the literal $((… + OFFSET)) text
mapfile -t services < <(sed -n 's/^ *"\([a-z0-9-]*\) \$((\([0-9]*\) + OFFSET)) \$((\([0-9]*\) + OFFSET))".*/\1 \2 \3/p' \
  "$ROOT/deploy/dev/up")
((${#services[@]})) || { echo "no SERVICES found in deploy/dev/up"; exit 1; }

RUN_DIR="$(mktemp -d /tmp/ccms-prom-e2e.XXXXXX)"
chmod 755 "$RUN_DIR"
export CCMS_RUN_DIR="$RUN_DIR"
# An offset that leaves every port of the stack free (PostgreSQL, the services, Prometheus).
source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/clock.sh"
base_ports=(55432 9090)
for s in "${services[@]}"; do
  read -r _ g m <<<"$s"
  base_ports+=("$g" "$m")
done
off="$(ccms_free_port_offset 37 "${base_ports[@]}")" || exit 1
export CCMS_DEV_PORT_OFFSET="$off"
cleanup() {
  "$ROOT/deploy/dev/down" --purge >/dev/null 2>&1 || true
  if [ "$failed" = 0 ]; then rm -rf "$RUN_DIR"; else echo "logs kept in $RUN_DIR/logs"; fi
}
trap cleanup EXIT

if ! "$ROOT/deploy/dev/up" --detach --with-prometheus > "$RUN_DIR/up.out" 2>&1; then
  cat "$RUN_DIR/up.out"
  failed=1
  exit 1
fi
# shellcheck disable=SC1091
. "$RUN_DIR/env"
check "up prints the Prometheus endpoint" grep -q "Prometheus *http://127.0.0.1:$((9090 + off))" "$RUN_DIR/up.out"
check "env has CCMS_PROMETHEUS_ADDR" test "${CCMS_PROMETHEUS_ADDR:-}" = "127.0.0.1:$((9090 + off))"
check "Prometheus' data is under the run folder" test -d "$RUN_DIR/prometheus/data"
check "the generated config is valid (promtool)" promtool check config "$RUN_DIR/prometheus/prometheus.yml"

# A few calls: health on every service, case work on records.
jobs=()
for s in "${services[@]}"; do
  read -r name g _ <<<"$s"
  jobs+=("ccms-$name")
  check "ccmsctl health ccms-$name" "$CTL" health --addr "127.0.0.1:$((g + off))"
done
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case.json"
out="$("$CTL" case open --file "$RUN_DIR/case.json" --json 2>&1)"
case_id="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "ccmsctl case open" test -n "$case_id"
check "ccmsctl case get" "$CTL" case get "$case_id"
check "ccmsctl case list" "$CTL" case list

check "targets API: every service up; grpc_server_handled_total for each; alerts loaded" \
  "$CHARTRENDER" prometheus --addr "$CCMS_PROMETHEUS_ADDR" --jobs "$(IFS=,; echo "${jobs[*]}")" \
  --metric grpc_server_handled_total --rules "$ROOT/deploy/prometheus/ccms-alerts.yml" --timeout 60s
check "a query finds the OpenCase call" "$CHARTRENDER" prometheus --addr "$CCMS_PROMETHEUS_ADDR" \
  --jobs ccms-records --metric 'grpc_server_handled_total{grpc_method="OpenCase",grpc_code="OK"}' --timeout 30s

prom_pid="$(cat "$RUN_DIR/pids/prometheus" 2>/dev/null)"
"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
check "deploy/dev/down stops Prometheus" bash -c "[ -n '$prom_pid' ] && ! kill -0 '$prom_pid' 2>/dev/null"

finish
