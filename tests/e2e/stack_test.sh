#!/usr/bin/env bash
# End to end: the dev stack comes up (deploy/dev/up --detach) in a private run folder on free
# ports, over TLS (its private CA in .run/tls; a plaintext client fails; a service told to listen
# on 0.0.0.0 without a certificate refuses to start); ccmsctl opens the example case; kcat reads
# the case_opened event with its CloudEvents headers; /metrics counts the OpenCase call;
# deploy/dev/down stops it all gracefully.
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/clock.sh"

export CCMS_LOG_LEVEL=debug  # access-log lines too, for the scan below
RUN_DIR="$(mktemp -d /tmp/ccms-e2e.XXXXXX)"
chmod 755 "$RUN_DIR"
export CCMS_RUN_DIR="$RUN_DIR"
# An offset that leaves every port of the stack free.
CCMS_DEV_PORT_OFFSET="$(ccms_dev_port_offset 0)"
export CCMS_DEV_PORT_OFFSET
cleanup() {
  "$ROOT/deploy/dev/down" --purge >/dev/null 2>&1 || true
  if [ "$failed" = 0 ]; then rm -rf "$RUN_DIR"; else echo "logs kept in $RUN_DIR/logs"; fi
}
trap cleanup EXIT

"$ROOT/deploy/dev/up" --detach > "$RUN_DIR/up.out" 2>&1 || { cat "$RUN_DIR/up.out"; exit 1; }
# shellcheck disable=SC1091
. "$RUN_DIR/env"
check "stack prints its endpoints" grep -q "ccms dev stack is up" "$RUN_DIR/up.out"
# Health names (docs/operations.md): readiness follows PostgreSQL and Kafka, liveness the process.
for name in readiness liveness ccms.records.v1.CaseService; do
  check "records' health $name is SERVING" "$CTL" health --addr "$CCMS_RECORDS_ADDR" --service "$name" --timeout 2
done

# TLS (docs/security.md): the stack's PKI, then a plaintext client and a plaintext listener.
check "up says gRPC is TLS" grep -q "gRPC over TLS" "$RUN_DIR/up.out"
check ".run/env points the clients at the dev CA" test "$CCMS_GRPC_CA_FILE" = "$RUN_DIR/tls/ca.crt"
check "the private keys are 0600" bash -c 'for k in "$1"/tls/*.key; do [ "$(stat -c %a "$k")" = 600 ] || exit 1; done' _ "$RUN_DIR"
check "the partner certificate names ccms-partner://dev-agency" \
  bash -c 'openssl x509 -in "$1/tls/partner.crt" -noout -ext subjectAltName | grep -q "URI:ccms-partner://dev-agency"' _ "$RUN_DIR"
timeout 10 openssl s_client -connect "$CCMS_RECORDS_ADDR" -alpn h2 -CAfile "$CCMS_GRPC_CA_FILE" \
  -verify_return_error -verify_ip 127.0.0.1 </dev/null > "$RUN_DIR/s_client.out" 2>&1 || true
check "openssl s_client: records speaks TLS (h2) with the dev CA's certificate for 127.0.0.1" \
  grep -aq "^Verify return code: 0 (ok)" "$RUN_DIR/s_client.out"
PLAIN=(env -u CCMS_GRPC_CA_FILE -u CCMS_GRPC_CLIENT_CERT_FILE -u CCMS_GRPC_CLIENT_KEY_FILE)
plain_err="$("${PLAIN[@]}" "$CTL" health --addr "$CCMS_RECORDS_ADDR" --timeout 2 2>&1)" && plain_rc=0 || plain_rc=$?
echo "     plaintext ccmsctl: $(head -1 <<<"$plain_err")"
check "a plaintext ccmsctl against the TLS port fails" test "$plain_rc" != 0
check "a plaintext tools/grpc_call.py against the TLS port fails" \
  bash -c '! "$@" >/dev/null 2>&1' _ "${PLAIN[@]}" /usr/bin/python3 "$ROOT/tools/grpc_call.py" --timeout 2 "$CCMS_RECORDS_ADDR" list
check "a client with another CA does not trust the services" \
  bash -c '! "$1" health --addr "$2" --ca-file "$3" --timeout 2 >/dev/null 2>&1' _ "$CTL" "$CCMS_RECORDS_ADDR" "$RUN_DIR/tls/client-ca.crt"
# ccms-records on 0.0.0.0 with every setting but a certificate: it must refuse, naming the setting.
open_port="$(ccms_free_port)"
set +e
CCMS_GRPC_LISTEN="0.0.0.0:$open_port" CCMS_METRICS_LISTEN="127.0.0.1:$(ccms_free_port)" \
CCMS_DB_DSN_FILE="$RUN_DIR/secrets/records.dsn" CCMS_KAFKA_BOOTSTRAP="$CCMS_KAFKA_BOOTSTRAP" \
CCMS_PROFILE=dev CCMS_JWT_KEYS_FILE="$RUN_DIR/secrets/jwt-keys.json" CCMS_PII_KEY_FILE="$RUN_DIR/secrets/pii.key" \
  timeout 20 "$BUILD_DIR/services/records/ccms-records" > "$RUN_DIR/plaintext-listen.out" 2>&1
plain_listen_rc=$?
set -e
echo "     ccms-records on 0.0.0.0 without a certificate: exit $plain_listen_rc: $(grep -o 'CCMS_GRPC_[A-Z_]*[^"]*' "$RUN_DIR/plaintext-listen.out" | head -1)"
check "ccms-records on 0.0.0.0 without a certificate exits non-zero (not killed by the timeout)" \
  bash -c '[ "$1" != 0 ] && [ "$1" != 124 ]' _ "$plain_listen_rc"
check "... naming the setting" grep -q "CCMS_GRPC_ALLOW_PLAINTEXT" "$RUN_DIR/plaintext-listen.out"

stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case.json"
out="$("$CTL" case open --file "$RUN_DIR/case.json" --json 2>"$RUN_DIR/open.err")" || true
case_id="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
case_number="$(echo "$out" | sed -n 's/.*"caseNumber": *"\([0-9-]*\)".*/\1/p' | head -1)"
check "ccmsctl case open returns a case number" test -n "$case_number"
echo "     the services' today: $(stack_date)"
check "the case number carries the services' year" grep -q "^110101-$(stack_date | cut -c1-4)-" <<<"$case_number"

got=""
for _ in $(seq 1 30); do
  got="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.records.v1 -o beginning -e -q \
    -f '%k %h\n' 2>/dev/null | grep "^$case_id " || true)"
  [ -n "$got" ] && break
  sleep 0.5
done
check "kcat reads the case_opened event" test -n "$got"
check "event has ce_type" grep -q "ce_type=ccms.records.case_opened" <<<"$got"
check "event has ce_id" grep -Eq "ce_id=[0-9a-f-]{36}" <<<"$got"

metrics_port="${CCMS_RECORDS_METRICS##*:}"
metrics="$(exec 3<>"/dev/tcp/127.0.0.1/$metrics_port"; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3)"
check "/metrics counts OpenCase" grep -q 'grpc_server_handled_total{grpc_code="OK",grpc_method="OpenCase"' <<<"$metrics"

check "case get finds it" "$CTL" case get "$case_id"
# The README's client for any method: Debian's python3-grpcio and server reflection.
GRPC_CALL=(/usr/bin/python3 "$ROOT/tools/grpc_call.py" "$CCMS_RECORDS_ADDR")
check "tools/grpc_call.py lists the services by reflection" \
  bash -c '"$@" list | grep -qx ccms.records.v1.CaseService' _ "${GRPC_CALL[@]}"
check "tools/grpc_call.py calls GetCase with the token" bash -c '"$@" | grep -q "$0"' "$case_number" \
  "${GRPC_CALL[@]}" call ccms.records.v1.CaseService/GetCase "{\"caseId\": \"$case_id\"}"
list="$("$CTL" case list)"
check "case list shows it" grep -q "$case_number" <<<"$list"
check "check-in activates it" "$CTL" case check-in "$case_id"
staff_b="$("$CTL" token --role office_staff --districts 310101 --key-set "$CCMS_JWT_KEYS_FILE")"
check "another district's staff cannot see it" bash -c "! '$CTL' --token '$staff_b' case get '$case_id' 2>/dev/null"
export_csv="$("$CTL" export --district 110101 --csv --all 2>/dev/null)" || true
check "export --csv has its header and the case" grep -q "^$case_number," <<<"$export_csv"
check "discharges-due answers" "$CTL" discharges-due --district 110101
# A transfer to 310101: the receiving side sees the request, not the case, until it accepts.
staff_a="$("$CTL" token --role office_staff --districts 110101 --key-set "$CCMS_JWT_KEYS_FILE")"
transfer="$("$CTL" --token "$staff_a" transfer request "$case_id" --to-district 310101 --to-office pudong-1 \
  --planned "$(stack_date 40)" --json 2>/dev/null)" || true
transfer_id="$(sed -n 's/.*"transferId": *"\([0-9a-f-]\{36\}\)".*/\1/p' <<<"$transfer" | head -1)"
check "transfer request returns a transfer id" test -n "$transfer_id"
check "the sending district consents" "$CTL" --token "$staff_a" transfer consent "$transfer_id"
check "the receiving district lists it" bash -c "'$CTL' --token '$staff_b' transfer list | grep -q '$transfer_id'"
check "the receiving district accepts" "$CTL" --token "$staff_b" transfer accept "$transfer_id"
check "the case is now the receiving district's" "$CTL" --token "$staff_b" case get "$case_id"
check "and no longer the sending one's" bash -c "! '$CTL' --token '$staff_a' case get '$case_id' 2>/dev/null"

# The locked audit log (docs/security.md): the runtime role cannot rewrite it, the chain verifies.
check "the runtime role cannot update audit_log" bash -c \
  "! psql -X -q -d \"\$(cat '$RUN_DIR/secrets/records.dsn')\" -c 'UPDATE audit_log SET result = result' 2>/dev/null"
auditor="$("$CTL" token --role auditor --districts '*' --key-set "$CCMS_JWT_KEYS_FILE")"
sleep 2  # the sealer runs every second
check "ccmsctl audit verify: records' chain holds" "$CTL" --token "$auditor" audit verify --service records
check "ccmsctl audit verify: assessment's chain holds" \
  "$CTL" --token "$auditor" --assessment-addr "$CCMS_ASSESSMENT_ADDR" audit verify --service assessment

"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
check "SIGTERM stops ccms-records gracefully" grep -q '"event":"service_stopped"' "$RUN_DIR/logs/records.log"
id_body="$(sed -n 's/.*"id_number": *"\([0-9]\{17\}\).*/\1/p' "$ROOT/docs/examples/case.json")"
check "the example's identity number is known" test "${#id_body}" = 17
check "the identity number is in no service log" bash -c "! grep -rq '$id_body' '$RUN_DIR/logs'"

echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
