#!/usr/bin/env bash
# End to end, employment on the dev stack (deploy/dev/up --detach, private run folder, free
# ports): a case opened and checked in at records reaches employment through ccms.records.v1;
# partners A (the dev stack's agency dev-agency, whose certificate the stack issues) and B
# (other-agency) are registered, and staff give each referrals, a spell of work with its retention
# checks and a training programme with an enrolment, with ccmsctl. The example partner client
# (docs/examples/partner_client.py, Debian's python3-grpcio) over mutual TLS with A's certificate
# and token: lists exactly A's referrals, retention checks and programmes (B's are absent, and
# NOT_FOUND when named); every field it receives is on the reviewed allow-list below; a minor
# without the guardian's consent shows no identity; it accepts a referral, confirms a retention
# check and records training hours, which staff see; A's certificate with B's token is refused, as
# is a partner token over a staff certificate. The events are on ccms.employment.v1 with codes
# only (no name on the bus or in logs).
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
out="$(emp "$STAFF" partner register --agency other-agency --name "Other Vocational School" \
  --kind vocational_school --district 110101 2>&1 || true)"
partner_b="$(sed -n 's/^partner id *\([0-9a-f-]*\)$/\1/p' <<<"$out" | head -1)"
check "a second partner (B, other-agency) registered" test -n "$partner_b"

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
# A minor (16, so the 16-year rule lets the referral be made), referred to A without the
# guardian's consent; and a referral of the first case to B.
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/minor.json" 3 "$(date -d "$(stack_date) -16 years -100 days" +%F)"
out="$("$CTL" case open --file "$RUN_DIR/minor.json" --json 2>/dev/null)" || true
minor_case="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "a minor's case opened" test -n "$minor_case"
"$CTL" case check-in "$minor_case" >/dev/null 2>&1 || true
MINOR_GIVEN="MINORNAME$$"
created=""
for _ in $(seq 1 120); do
  created="$(emp "$STAFF" referral create "$minor_case" --partner "$partner_id" --kind job_placement \
    --given-name "$MINOR_GIVEN" --skill "packing" --availability weekends 2>&1 || true)"
  grep -q "^referral id" <<<"$created" && break
  sleep 0.5
done
minor_referral="$(sed -n 's/^referral id *\([0-9a-f-]*\)$/\1/p' <<<"$created" | head -1)"
check "the minor referred to A, no guardian consent" grep -Eq "minor +yes, no guardian consent" <<<"$created"
check "... and sent" bash -c "'$CTL' --token '$STAFF' employment referral send '$minor_referral' --consent-on '$(stack_date 0)' | grep -Eq 'status +sent'"
created="$(emp "$STAFF" referral create "$case_id" --partner "$partner_b" --kind skills_training \
  --given-name "$GIVEN" --skill "welding" 2>&1 || true)"
referral_b="$(sed -n 's/^referral id *\([0-9a-f-]*\)$/\1/p' <<<"$created" | head -1)"
check "a referral to B made" test -n "$referral_b"
check "... and sent" bash -c "'$CTL' --token '$STAFF' employment referral send '$referral_b' --consent-on '$(stack_date 0)' | grep -Eq 'status +sent'"

# 3. The example partner client over mutual TLS: dev-agency's (A's) certificate and token.
CLIENT=(/usr/bin/python3 "$ROOT/docs/examples/partner_client.py" --addr "$CCMS_EMPLOYMENT_ADDR"
  --ca "$TLS/ca.crt" --cert "$TLS/partner.crt" --key "$TLS/partner.key")
# a_says PATTERN ARGS...: the example client with A's certificate and token, given ARGS, prints a
# line matching PATTERN (its answer, or "error: CODE message").
a_says() {
  local pattern="$1" out
  shift
  out="$("${CLIENT[@]}" --token "$PARTNER" "$@" 2>&1)" || true
  grep -q -- "$pattern" <<<"$out"
}
ids() { sed -n 's/^[A-Za-z]*-[0-9A-F]* \([0-9a-f-]\{36\}\) .*/\1/p' <<<"$1" | sort | tr '\n' ' '; }
listed="$("${CLIENT[@]}" --token "$PARTNER" 2>&1 || true)"
check "the partner client lists its referral" grep -q " $referral_id SENT $GIVEN\$" <<<"$listed"
check "... exactly A's referrals (B's absent)" test "$(ids "$listed")" = "$(printf '%s\n' "$referral_id" "$minor_referral" | sort | tr '\n' ' ')"
check "a minor without the guardian's consent: no identity" grep -q "^R-[0-9A-F]* $minor_referral SENT (withheld)\$" <<<"$listed"
check "B's referral named by A: NOT_FOUND" a_says "^error: NOT_FOUND" --get "$referral_b"
check "B's referral answered by A: NOT_FOUND" a_says "^error: NOT_FOUND" --accept "$referral_b"
answered="$("${CLIENT[@]}" --token "$PARTNER" --accept "$referral_id" 2>&1 || true)"
check "the partner client accepts it" grep -q "^answered R-[0-9A-F]* ACCEPTED$" <<<"$answered"
check "... and lists it accepted" grep -q " $referral_id ACCEPTED " <<<"$("${CLIENT[@]}" --token "$PARTNER" 2>&1 || true)"
wrong="$("${CLIENT[@]}" --token "$PARTNER_B" 2>&1 || true)"
check "dev-agency's certificate with another agency's token: refused" grep -q "^error: PERMISSION_DENIED" <<<"$wrong"
check "... and it lists nothing" bash -c "! grep -q '$referral_id' <<<\"\$1\"" _ "$wrong"
check "... its retention checks too" grep -q "^error: PERMISSION_DENIED" <<<"$("${CLIENT[@]}" --token "$PARTNER_B" --checks 2>&1 || true)"
check "... and its programmes" grep -q "^error: PERMISSION_DENIED" <<<"$("${CLIENT[@]}" --token "$PARTNER_B" --programmes 2>&1 || true)"
check "a partner token over a staff certificate: refused" bash -c "'$CTL' --token '$PARTNER' employment agency list 2>&1 | grep -q PERMISSION_DENIED"
check "staff cannot use the partner API" bash -c "'$CTL' --token '$STAFF' employment agency list 2>&1 | grep -q PERMISSION_DENIED"
got="$(emp "$STAFF" referral get "$referral_id" 2>&1 || true)"
check "staff see the partner's answer" grep -Eq "status +accepted" <<<"$got"

# 3a. Retention checks (issue 15 item 5): staff record a spell of work for the first case with A
# as employer and one of the minor's with B, both from 30 days ago, so their 30-day checks are due
# today. A lists exactly its spell's three checks, confirms today's, and cannot confirm B's.
spell_of() { sed -n 's/^spell id *\([0-9a-f-]*\)$/\1/p' <<<"$1" | head -1; }
spell_a="$(spell_of "$(emp "$STAFF" spell start "$case_id" --partner "$partner_id" --on "$(stack_date -30)" 2>&1 || true)")"
spell_b="$(spell_of "$(emp "$STAFF" spell start "$minor_case" --partner "$partner_b" --on "$(stack_date -30)" 2>&1 || true)")"
check "spells started with A and with B as employer" test -n "$spell_a" -a -n "$spell_b"
checks="$("${CLIENT[@]}" --token "$PARTNER" --checks 2>&1 || true)"
check "the partner client lists exactly A's checks: 30, 90, 180 days" test \
  "$(sed -n 's/^check \([0-9a-f-]*\) \([0-9]*\) .*/\1:\2/p' <<<"$checks" | sort | tr '\n' ' ')" = "$spell_a:180 $spell_a:30 $spell_a:90 "
check "... the 30-day check due today, pending" grep -q "^check $spell_a 30 $(stack_date) PENDING\$" <<<"$checks"
check "A confirms it" a_says "^confirmed $spell_a 30 .* CONFIRMED\$" --confirm "$spell_a:30"
check "... and lists it confirmed" a_says "^check $spell_a 30 .* CONFIRMED\$" --checks
check "B's check confirmed by A: NOT_FOUND" a_says "^error: NOT_FOUND" --confirm "$spell_b:30"
due="$(emp "$STAFF" spell checks --list due --district 110101 2>&1 || true)"
check "staff: A's confirmed check left the due list, B's is on it" bash -c \
  '! grep -q "^$1 " <<<"$3" && grep -Eq "^$2 +30 .* pending" <<<"$3"' _ "$spell_a" "$spell_b" "$due"

# 3b. Training (issue 15 item 6): a programme provided by A and one by B, the first case enrolled
# in both. A lists exactly its programme and its enrolment, records 3 hours attended today, and
# reaches nothing of B's.
programme_of() { sed -n 's/^programme id *\([0-9a-f-]*\)$/\1/p' <<<"$1" | head -1; }
enrolment_of() { sed -n 's/^enrolment id *\([0-9a-f-]*\)$/\1/p' <<<"$1" | head -1; }
programme_a="$(programme_of "$(emp "$STAFF" training register --code ECOM-E2E --name 电子商务 \
  --provider "$partner_id" --district 110101 --hours 40 --places 5 --starts "$(stack_date -1)" \
  --ends "$(stack_date 60)" 2>&1 || true)")"
programme_b="$(programme_of "$(emp "$STAFF" training register --code WELD-E2E --name 焊工 \
  --provider "$partner_b" --district 110101 --hours 40 --places 5 --starts "$(stack_date -1)" \
  --ends "$(stack_date 60)" 2>&1 || true)")"
check "programmes of A and of B registered" test -n "$programme_a" -a -n "$programme_b"
enrolment_a="$(enrolment_of "$(emp "$STAFF" training enrol "$programme_a" "$case_id" 2>&1 || true)")"
enrolment_b="$(enrolment_of "$(emp "$STAFF" training enrol "$programme_b" "$case_id" 2>&1 || true)")"
check "the first case enrolled in both" test -n "$enrolment_a" -a -n "$enrolment_b"
training="$("${CLIENT[@]}" --token "$PARTNER" --programmes 2>&1 || true)"
check "the partner client lists exactly A's programme (1 of 5 places taken)" \
  test "$(grep '^programme ' <<<"$training")" = "programme $programme_a ECOM-E2E 1/5"
check "... and exactly its enrolment" \
  test "$(grep '^enrolment ' <<<"$training" | cut -d' ' -f2 | tr '\n' ' ')" = "$enrolment_a "
check "A records 3 hours attended" a_says "^attended T-[0-9A-F]* hours 3\$" --attend "$enrolment_a:3"
check "... which staff see" bash -c "'$CTL' --token '$STAFF' employment training enrolments '$programme_a' | grep -Eq '^$enrolment_a +T-[0-9A-F]+ +enrolled +3 '"
check "B's enrolments listed by A: NOT_FOUND" a_says "^error: NOT_FOUND" --enrolments "$programme_b"
check "B's enrolment attended by A: NOT_FOUND" a_says "^error: NOT_FOUND" --attend "$enrolment_b:3"

# 3b'. Openings (issue 15 items 3 and 11): A posts an opening through its client, staff post one
# for B. A lists exactly its own, cannot close B's, and closes its own; staff rank both for a case.
opening_of() { sed -n 's/^\(posted\|closed\|opening\) \([0-9a-f-]\{36\}\) .*/\2/p' <<<"$1" | head -1; }
posted="$("${CLIENT[@]}" --token "$PARTNER" --post-opening 仓库分拣员 --district 110101 \
  --sector LOGISTICS --hours 40 --places 2 --closes-on "$(stack_date 30)" --skill LOGISTICS \
  --work-days 1,2,3,4,5 --shift 22:00-06:00 2>&1 || true)"
opening_a="$(opening_of "$posted")"
check "A posts an opening through the partner client" grep -q "^posted $opening_a J-[0-9A-F]* OPEN 0/2 仓库分拣员\$" <<<"$posted"
opening_b="$(sed -n 's/^opening id *\([0-9a-f-]*\)$/\1/p' <<<"$(emp "$STAFF" opening post --partner "$partner_b" \
  --district 110101 --title 焊工 --sector MANUFACTURING --hours 40 --places 1 --closes "$(stack_date 30)" \
  --work-day 1 --work-day 3 --shift-start 09:00 --shift-end 17:00 2>&1 || true)" | head -1)"
check "staff post an opening for B" test -n "$opening_b"
openings="$("${CLIENT[@]}" --token "$PARTNER" --openings 2>&1 || true)"
check "the partner client lists exactly A's opening" test "$(grep -c '^opening ' <<<"$openings")-$(opening_of "$openings")" = "1-$opening_a"
check "B's opening closed by A: NOT_FOUND" a_says "^error: NOT_FOUND" --close-opening "$opening_b" --reason FILLED
check "A closes its own opening" a_says "^closed $opening_a J-[0-9A-F]* CLOSED 0/2 " --close-opening "$opening_a" --reason FILLED
check "dev-agency's certificate with B's token: its openings refused" grep -q "^error: PERMISSION_DENIED" <<<"$("${CLIENT[@]}" --token "$PARTNER_B" --openings 2>&1 || true)"
check "staff see A's opening closed and B's open" bash -c "'$CTL' --token '$STAFF' employment opening list --district 110101 --include-closed 2>&1 | grep -q '^$opening_a .*closed' && '$CTL' --token '$STAFF' employment opening list --district 110101 2>&1 | grep -q '^$opening_b '"

# 3c. Every field A receives, on the reviewed allow-list (docs/employment.md, "Partner view and
# API"): the client's --json prints each message received, every field of it named. Nothing else
# reaches a partner: no case id, no name but the given name staff wrote for it, no identity number.
declare -A ALLOWED=(
  [AgencyReferral]="referral_id referral_code kind status given_name identity_withheld skills availability sent_on answer_due_on"
  [AgencyRetentionCheck]="spell_id day_offset due_on confirm_by status confirmed_on referral_code started_on"
  [TrainingProgramme]="programme_id code name provider_partner_id district_code hours places taken starts_on ends_on"
  [TrainingEnrolment]="enrolment_id enrolment_code programme_id status enrolled_on hours_attended completed_on certificate_obtained"
  [Opening]="opening_id opening_code partner_id district_code title sector_code hours_per_week required_skill_codes closes_on places places_filled excluded_offence_categories status close_reason_code posted_on closed_on schedule"
)
received="$(for what in "" --checks --programmes --openings; do "${CLIENT[@]}" --token "$PARTNER" --json $what 2>&1; done || true)"
echo "$received" > "$RUN_DIR/partner_received.txt"
allowed_json="$(for m in "${!ALLOWED[@]}"; do echo "$m ${ALLOWED[$m]}"; done)"
check "every field A receives is on the allow-list" python3 -c '
import json, sys
allowed = {l.split()[0]: set(l.split()[1:]) for l in sys.argv[1].splitlines()}
seen = set()
for line in open(sys.argv[2]):
    kind, _, body = line.partition(" ")
    fields = set(json.loads(body))
    if kind not in allowed or not fields <= allowed[kind]:
        sys.exit("     not on the list: %s %s" % (kind, sorted(fields - allowed.get(kind, set()))))
    seen.add(kind)
sys.exit(0 if seen == set(allowed) else "     not every kind received: %s" % sorted(seen))
' "$allowed_json" "$RUN_DIR/partner_received.txt"
check "... the minor's referral: given name empty, identity withheld" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    kind, _, body = line.partition(" ")
    r = json.loads(body)
    if kind == "AgencyReferral" and r["referral_id"] == sys.argv[2]:
        sys.exit(0 if r["given_name"] == "" and r["identity_withheld"] is True else 1)
sys.exit(1)
' "$RUN_DIR/partner_received.txt" "$minor_referral"
id_body="$(sed -n 's/.*"id_number": *"\([0-9]\{17\}\).*/\1/p' "$RUN_DIR/case.json")"
minor_id_body="$(sed -n 's/.*"id_number": *"\([0-9]\{17\}\).*/\1/p' "$RUN_DIR/minor.json")"
check "... no case id, no minor's name, no name or identity number of records" bash -c \
  '! grep -q -e "$2" -e "$3" -e "$4" -e "$5" -e "张三" -e "13800000000" "$1"' _ \
  "$RUN_DIR/partner_received.txt" "$case_id" "$minor_case" "$MINOR_GIVEN" "$id_body"
check "... nor the minor's identity number" bash -c '! grep -q -- "$2" "$1"' _ "$RUN_DIR/partner_received.txt" "$minor_id_body"

# 4. Events on ccms.employment.v1, codes only.
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.employment.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.employment.retention_confirmed" <<<"$bus" && break
  sleep 0.25
done
check "partner_registered on ccms.employment.v1" grep -q "^$partner_id .*ce_type=ccms.employment.partner_registered" <<<"$bus"
check "referral_sent keyed by the case" grep -q "^$case_id .*ce_type=ccms.employment.referral_sent" <<<"$bus"
check "referral_answered keyed by the case" grep -q "^$case_id .*ce_type=ccms.employment.referral_answered" <<<"$bus"
check "retention_confirmed keyed by the case" grep -q "^$case_id .*ce_type=ccms.employment.retention_confirmed" <<<"$bus"
check "the minor's given name is not on the bus" bash -c "! grep -aq -- '$MINOR_GIVEN' <<<\"\$1\"" _ "$bus"
check "the given name is not on the bus" bash -c "! grep -aq -- '$GIVEN' <<<\"\$1\"" _ "$bus"
check "the contact is not on the bus" bash -c "! grep -aq -- 'CONTACT-MARKER-$$' <<<\"\$1\"" _ "$bus"
"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
check "the given name is in no service log" bash -c "! grep -rq -- '$GIVEN' '$RUN_DIR/logs'"
check "the minor's given name is in no service log" bash -c "! grep -rq -- '$MINOR_GIVEN' '$RUN_DIR/logs'"
check "SIGTERM stops ccms-employment gracefully" grep -q '"event":"service_stopped"' "$RUN_DIR/logs/employment.log"

echo "e2e employment: $passed passed, $failed failed"
[ "$failed" = 0 ]
