#!/usr/bin/env bash
# End to end, assessment on the dev stack (deploy/dev/up --detach, private run folder, free
# ports): open + check in a case -> the intake assessments are due; high-risk answers -> key
# attention and STRICT; a crisis answer -> crisis_flag_raised on ccms.assessment.v1 within a
# second and on the unacknowledged list (and gauge) until acknowledged; records stopped ->
# assessment serves its own data and fails calls that need records fast with UNAVAILABLE, then
# recovers; no answers, notes or reasons on the bus, in logs or in metric labels.
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/clock.sh"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
quiet() { "$@" >/dev/null 2>&1; }

export CCMS_LOG_LEVEL=debug  # access-log lines too, for the scan below
RUN_DIR="$(mktemp -d /tmp/ccms-e2e-assessment.XXXXXX)"
chmod 755 "$RUN_DIR"
export CCMS_RUN_DIR="$RUN_DIR"
CCMS_DEV_PORT_OFFSET="$(ccms_dev_port_offset 0)"
export CCMS_DEV_PORT_OFFSET
cleanup() {
  [ -n "${RECORDS_PID:-}" ] && kill -TERM "$RECORDS_PID" 2>/dev/null
  "$ROOT/deploy/dev/down" --purge >/dev/null 2>&1 || true
  if [ "$failed" = 0 ]; then rm -rf "$RUN_DIR"; else echo "logs kept in $RUN_DIR/logs"; fi
}
trap cleanup EXIT

"$ROOT/deploy/dev/up" --detach > "$RUN_DIR/up.out" 2>&1 || { cat "$RUN_DIR/up.out"; exit 1; }
# shellcheck disable=SC1091
. "$RUN_DIR/env"
check "stack lists ccms-assessment" grep -q "ccms-assessment" "$RUN_DIR/up.out"
check "assessment reports SERVING" quiet "$CTL" health --addr "$CCMS_ASSESSMENT_ADDR" --timeout 2
STAFF="$("$CTL" token --role office_staff --districts 110101 --subject staff-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
WORKER="$("$CTL" token --role social_worker --districts 110101 --subject sw-e2e --key-set "$CCMS_JWT_KEYS_FILE")"

# 1. Open and check in: the intake assessments become due.
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case.json"
out="$("$CTL" case open --file "$RUN_DIR/case.json" --json 2>/dev/null)" || true
case_id="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "case opened" test -n "$case_id"
"$CTL" case check-in "$case_id" >/dev/null 2>&1 || true
due=""
for _ in $(seq 1 120); do
  due="$("$CTL" --token "$STAFF" due --case "$case_id" 2>/dev/null || true)"
  [ "$(grep -c intake <<<"$due")" = 2 ] && break
  sleep 0.5
done
check "both intake assessments are due" test "$(grep -c intake <<<"$due")" = 2
level=""
for _ in $(seq 1 60); do
  level="$("$CTL" --token "$STAFF" level get "$case_id" 2>/dev/null || true)"
  grep -q "INITIAL_STRICT" <<<"$level" && break
  sleep 0.5
done
check "initial level is STRICT (INITIAL_STRICT)" grep -Eq "level +strict" <<<"$level"

# 2. High-risk answers: key attention and STRICT.
NOTE="E2E-NOTE-MARKER-$$"
sed -e "s/00000000-0000-0000-0000-000000000000/$case_id/" \
    -e "s/Interview at the office; notes stay in the assessment service./$NOTE/" \
    "$ROOT/docs/examples/assessment.json" > "$RUN_DIR/high-risk.json"
rec="$("$CTL" --token "$WORKER" assessment record --file "$RUN_DIR/high-risk.json" 2>&1 || true)"
check "high-risk answers score HIGH" grep -Eq "risk level +high" <<<"$rec"
level="$("$CTL" --token "$STAFF" level get "$case_id" --json 2>/dev/null || true)"
check "case is key attention" grep -Eq '"keyAttention": *true' <<<"$level"
check "case is STRICT" grep -Eq '"level": *"SUPERVISION_LEVEL_STRICT"' <<<"$level"
check "... by HIGH_RISK" grep -Eq '"rule": *"HIGH_RISK"' <<<"$level"

# 3. A crisis answer: on the topic within a second, listed until acknowledged.
cat > "$RUN_DIR/crisis.json" <<JSON
{"case_id": "$case_id", "instrument_id": "psych_screening", "kind": "ASSESSMENT_KIND_INTAKE",
 "notes": "$NOTE",
 "answers": [
  {"item_id": "worry", "option_id": "never"}, {"item_id": "restless", "option_id": "never"},
  {"item_id": "panic", "option_id": "never"}, {"item_id": "low_mood", "option_id": "often"},
  {"item_id": "no_interest", "option_id": "often"}, {"item_id": "sleep", "option_id": "often"},
  {"item_id": "irritable", "option_id": "never"},
  {"item_id": "urge_to_harm_others", "option_id": "never"},
  {"item_id": "thoughts_of_death", "option_id": "often"},
  {"item_id": "self_harm", "option_id": "never"}]}
JSON
t0="$(now_ms)"
rec="$("$CTL" --token "$WORKER" assessment record --file "$RUN_DIR/crisis.json" 2>&1 || true)"
check "crisis answer raises a flag" grep -q "CRISIS FLAG raised" <<<"$rec"
flag_id="$(sed -n 's/.*CRISIS FLAG raised: \([0-9a-f-]*\).*/\1/p' <<<"$rec" | head -1)"
crisis_ts=""
for _ in $(seq 1 40); do
  crisis_ts="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.assessment.v1 -o beginning -e -q \
    -f '%T %k %h\n' 2>/dev/null | grep "^[0-9]* $case_id " | grep "ce_type=ccms.assessment.crisis_flag_raised" \
    | head -1 | cut -d' ' -f1 || true)"
  [ -n "$crisis_ts" ] && break
  sleep 0.25
done
check "crisis_flag_raised is on ccms.assessment.v1" test -n "$crisis_ts"
lag=$(( ${crisis_ts:-999999999999999} - t0 ))
echo "     crisis event produced $lag ms after the call started"
check "within a second" test "$lag" -lt 1000
list="$("$CTL" --token "$STAFF" crisis list --unacknowledged 2>/dev/null || true)"
check "flag on the unacknowledged list" grep -q "$flag_id" <<<"$list"
metrics_port="${CCMS_ASSESSMENT_METRICS##*:}"
metrics() { (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port"; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3); }
gauge=""
for _ in $(seq 1 20); do
  gauge="$(metrics | grep '^ccms_crisis_flags_unacknowledged{district_code="110101"}' || true)"
  [ "${gauge##* }" = 1 ] && break
  sleep 0.5
done
check "gauge counts it" test "${gauge##* }" = 1
check "a social worker cannot acknowledge" bash -c "! '$CTL' --token '$WORKER' crisis ack '$flag_id' >/dev/null 2>&1"
check "office staff acknowledge" quiet "$CTL" --token "$STAFF" crisis ack "$flag_id" --note "E2E-ACK-MARKER called"
list="$("$CTL" --token "$STAFF" crisis list --unacknowledged 2>/dev/null || true)"
check "flag off the unacknowledged list" bash -c "! grep -q '$flag_id' <<<'$list'"
# Records follows: an override to STANDARD (records alone would say STRICT in the first
# months) shows on records' GetCase once records has consumed supervision_level_changed.
check "override to standard" quiet "$CTL" --token "$STAFF" level override "$case_id" --level standard --reason "E2E-REASON-MARKER review"
shown=""
for _ in $(seq 1 60); do
  shown="$("$CTL" --token "$STAFF" case get "$case_id" --json 2>/dev/null | grep -o '"supervisionLevel": *"[A-Z_]*"' || true)"
  grep -q STANDARD <<<"$shown" && break
  sleep 0.5
done
check "records' GetCase shows the assessed level" grep -q SUPERVISION_LEVEL_STANDARD <<<"$shown"
check "override with a written reason" quiet "$CTL" --token "$STAFF" level override "$case_id" --level strict --reason "E2E-REASON-MARKER team"

# 4. Records stopped: assessment serves what it owns; what needs records fails fast.
kill -TERM "$(cat "$RUN_DIR/pids/records")"
for _ in $(seq 1 100); do kill -0 "$(cat "$RUN_DIR/pids/records")" 2>/dev/null || break; sleep 0.1; done
check "level still served" quiet "$CTL" --token "$STAFF" level get "$case_id"
check "due list still served" quiet "$CTL" --token "$STAFF" due --case "$case_id"
unknown="$(cat /proc/sys/kernel/random/uuid)"
sed -e "s/$case_id/$unknown/" "$RUN_DIR/high-risk.json" > "$RUN_DIR/unknown.json"
t0="$(now_ms)"
err="$("$CTL" --token "$STAFF" assessment record --file "$RUN_DIR/unknown.json" 2>&1 || true)"
took=$(( $(now_ms) - t0 ))
echo "     answered in $took ms: $(grep error <<<"$err")"
check "unknown case: UNAVAILABLE, clear message" grep -q "UNAVAILABLE.*records service unavailable; retry later" <<<"$err"
check "... and fast" test "$took" -lt 3000
# Records back (as deploy/dev/up starts it, over TLS: assessment reaches it through its CA).
CCMS_GRPC_LISTEN="$CCMS_RECORDS_ADDR" CCMS_METRICS_LISTEN="$CCMS_RECORDS_METRICS" \
CCMS_DB_DSN_FILE="$RUN_DIR/secrets/records.dsn" CCMS_KAFKA_BOOTSTRAP="$CCMS_KAFKA_BOOTSTRAP" \
CCMS_DB_MIGRATION_DSN_FILE="$RUN_DIR/secrets/records.migration-dsn" \
CCMS_PROFILE=dev CCMS_JWT_KEYS_FILE="$RUN_DIR/secrets/jwt-keys.json" \
CCMS_PII_KEY_FILE="$RUN_DIR/secrets/pii.key" \
CCMS_SERVICE_TOKEN_FILE="$RUN_DIR/secrets/records.service-token" CCMS_RECORDS_ADDR="$CCMS_RECORDS_ADDR" \
CCMS_GRPC_TLS_CERT_FILE="$RUN_DIR/tls/server.crt" CCMS_GRPC_TLS_KEY_FILE="$RUN_DIR/tls/server.key" \
CCMS_GRPC_TLS_CLIENT_CA_FILE="$RUN_DIR/tls/client-ca.crt" \
CCMS_GRPC_TLS_PARTNER_CA_FILE="$RUN_DIR/tls/partner-ca.crt" \
  "$BUILD_DIR/services/records/ccms-records" >> "$RUN_DIR/logs/records.log" 2>&1 &
RECORDS_PID=$!
echo "$RECORDS_PID" > "$RUN_DIR/pids/records"
for _ in $(seq 1 100); do "$CTL" health --addr "$CCMS_RECORDS_ADDR" --timeout 1 >/dev/null 2>&1 && break; sleep 0.2; done
err=""
for _ in $(seq 1 20); do
  err="$("$CTL" --token "$STAFF" assessment record --file "$RUN_DIR/unknown.json" 2>&1 || true)"
  grep -q NOT_FOUND <<<"$err" && break
  sleep 0.25
done
check "records back: the lookup reaches it (NOT_FOUND for a case it does not have)" grep -q "NOT_FOUND" <<<"$err"
RECORDS_PID=""

# 5. Nothing personal on the bus, in logs, in metric labels.
all_metrics="$(metrics)"
check "case id is no metric label" bash -c "! grep -q '$case_id' <<<\"\$1\"" _ "$all_metrics"
bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.assessment.v1 -o beginning -e -q -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
check "events were read" test -n "$bus"
for secret in "$NOTE" E2E-ACK-MARKER E2E-REASON-MARKER two_or_more thoughts_of_death; do
  check "'$secret' not on the bus" bash -c "! grep -aq -- '$secret' <<<\"\$1\"" _ "$bus"
  check "'$secret' not in metrics" bash -c "! grep -aq -- '$secret' <<<\"\$1\"" _ "$all_metrics"
done
"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
for secret in "$NOTE" E2E-ACK-MARKER E2E-REASON-MARKER two_or_more thoughts_of_death; do
  check "'$secret' in no service log" bash -c "! grep -rq -- '$secret' '$RUN_DIR/logs'"
done
check "SIGTERM stops ccms-assessment gracefully" grep -q '"event":"service_stopped"' "$RUN_DIR/logs/assessment.log"

echo "e2e assessment: $passed passed, $failed failed"
[ "$failed" = 0 ]
