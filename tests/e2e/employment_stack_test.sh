#!/usr/bin/env bash
# End to end, employment on the dev stack (deploy/dev/up --detach, private run folder, free
# ports): a case opened and checked in at records reaches employment through ccms.records.v1; a
# partner (the dev stack's agency dev-agency) is registered and sent a referral with ccmsctl; the
# example partner client (docs/examples/partner_client.py, Debian's python3-grpcio) lists it and
# accepts it over mutual TLS with the dev partner certificate; the certificate of dev-agency with a
# token of another agency is refused, as is a partner token over a staff certificate; staff see
# the answer; the events are on ccms.employment.v1 with codes only (no name on the bus or in logs).
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/clock.sh"
quiet() { "$@" >/dev/null 2>&1; }

export CCMS_LOG_LEVEL=debug  # access-log lines too, for the scan below
RUN_DIR="$(mktemp -d /tmp/ccms-e2e-employment.XXXXXX)"
chmod 755 "$RUN_DIR"
export CCMS_RUN_DIR="$RUN_DIR"
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
TLS="$RUN_DIR/tls"
check "stack lists ccms-employment" grep -q "ccms-employment" "$RUN_DIR/up.out"
check "employment reports SERVING" quiet "$CTL" health --addr "$CCMS_EMPLOYMENT_ADDR" --timeout 2
STAFF="$("$CTL" token --role office_staff --districts 110101 --subject staff-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
OTHER="$("$CTL" token --role office_staff --districts 310101 --subject staff-other --key-set "$CCMS_JWT_KEYS_FILE")"
PARTNER="$("$CTL" token --role partner --districts 110101 --agency dev-agency --subject partner-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
PARTNER_B="$("$CTL" token --role partner --districts 110101 --agency other-agency --subject partner-b --key-set "$CCMS_JWT_KEYS_FILE")"
emp() { "$CTL" --token "$1" employment "${@:2}"; }

# 1. The partner register.
out="$(emp "$STAFF" partner register --agency dev-agency --name "Sunrise Logistics" --kind enterprise \
  --district 110101 --contact-name "CONTACT-MARKER-$$" --contact-phone 13800000000 2>&1 || true)"
partner_id="$(sed -n 's/^partner id *\([0-9a-f-]*\)$/\1/p' <<<"$out" | head -1)"
check "partner registered" test -n "$partner_id"
check "... active" grep -Eq "status +active" <<<"$out"
check "another district's staff: NOT_FOUND" bash -c "'$CTL' --token '$OTHER' employment partner get '$partner_id' 2>&1 | grep -q NOT_FOUND"

# 2. A case opened and checked in at records reaches employment; a referral is made and sent.
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case.json"
out="$("$CTL" case open --file "$RUN_DIR/case.json" --json 2>/dev/null)" || true
case_id="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "case opened" test -n "$case_id"
"$CTL" case check-in "$case_id" >/dev/null 2>&1 || true
GIVEN="GIVENNAME$$"
created=""
for _ in $(seq 1 120); do
  created="$(emp "$STAFF" referral create "$case_id" --partner "$partner_id" --kind job_placement \
    --given-name "$GIVEN" --skill "forklift" --availability weekdays 2>&1 || true)"
  grep -q "^referral id" <<<"$created" && break
  sleep 0.5
done
referral_id="$(sed -n 's/^referral id *\([0-9a-f-]*\)$/\1/p' <<<"$created" | head -1)"
check "employment follows the case: a referral is made" test -n "$referral_id"
check "... in draft, the age from records' facts" grep -Eq "age on referral +[0-9]+ \(case_facts\)" <<<"$created"
sent="$(emp "$STAFF" referral send "$referral_id" --consent-on "$(stack_date 0)" 2>&1 || true)"
check "referral sent" grep -Eq "status +sent" <<<"$sent"
check "... with its answer's due day" grep -Eq "answer due +[0-9]{4}-" <<<"$sent"

# 3. The example partner client over mutual TLS: dev-agency's certificate and token.
CLIENT=(/usr/bin/python3 "$ROOT/docs/examples/partner_client.py" --addr "$CCMS_EMPLOYMENT_ADDR"
  --ca "$TLS/ca.crt" --cert "$TLS/partner.crt" --key "$TLS/partner.key")
listed="$("${CLIENT[@]}" --token "$PARTNER" 2>&1 || true)"
check "the partner client lists its referral" grep -q " $referral_id SENT $GIVEN\$" <<<"$listed"
answered="$("${CLIENT[@]}" --token "$PARTNER" --accept "$referral_id" 2>&1 || true)"
check "the partner client accepts it" grep -q "^answered R-[0-9A-F]* ACCEPTED$" <<<"$answered"
check "... and lists it accepted" grep -q " $referral_id ACCEPTED " <<<"$("${CLIENT[@]}" --token "$PARTNER" 2>&1 || true)"
wrong="$("${CLIENT[@]}" --token "$PARTNER_B" 2>&1 || true)"
check "dev-agency's certificate with another agency's token: refused" grep -q "^error: PERMISSION_DENIED" <<<"$wrong"
check "... and it lists nothing" bash -c "! grep -q '$referral_id' <<<\"\$1\"" _ "$wrong"
check "a partner token over a staff certificate: refused" bash -c "'$CTL' --token '$PARTNER' employment agency list 2>&1 | grep -q PERMISSION_DENIED"
check "staff cannot use the partner API" bash -c "'$CTL' --token '$STAFF' employment agency list 2>&1 | grep -q PERMISSION_DENIED"
got="$(emp "$STAFF" referral get "$referral_id" 2>&1 || true)"
check "staff see the partner's answer" grep -Eq "status +accepted" <<<"$got"

# 4. Events on ccms.employment.v1, codes only.
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.employment.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.employment.referral_answered" <<<"$bus" && break
  sleep 0.25
done
check "partner_registered on ccms.employment.v1" grep -q "^$partner_id .*ce_type=ccms.employment.partner_registered" <<<"$bus"
check "referral_sent keyed by the case" grep -q "^$case_id .*ce_type=ccms.employment.referral_sent" <<<"$bus"
check "referral_answered keyed by the case" grep -q "^$case_id .*ce_type=ccms.employment.referral_answered" <<<"$bus"
check "the given name is not on the bus" bash -c "! grep -aq -- '$GIVEN' <<<\"\$1\"" _ "$bus"
check "the contact is not on the bus" bash -c "! grep -aq -- 'CONTACT-MARKER-$$' <<<\"\$1\"" _ "$bus"
"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
check "the given name is in no service log" bash -c "! grep -rq -- '$GIVEN' '$RUN_DIR/logs'"
check "SIGTERM stops ccms-employment gracefully" grep -q '"event":"service_stopped"' "$RUN_DIR/logs/employment.log"

echo "e2e employment: $passed passed, $failed failed"
[ "$failed" = 0 ]
