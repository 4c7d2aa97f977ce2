#!/usr/bin/env bash
# End to end, education on the dev stack (deploy/dev/up --detach, private run folder, free
# ports): a case opened and checked in at records reaches education through ccms.records.v1
# (district, minor flag, intake day, due dates); the first contact and the service file are
# recorded with ccmsctl; their events are on ccms.education.v1 with codes only; district scope
# and roles hold; the written analysis is on no topic, in no log and in no metric. Then the plan,
# care, sessions and the partner view (sections 4-7); an absence after notice listed by records'
# GetSanctionStatus as an admonition ground (8); a month of the hours ledger closed, its event on
# ccms.education.v1 with codes, days and minutes only (9).
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/clock.sh"
quiet() { "$@" >/dev/null 2>&1; }

export CCMS_LOG_LEVEL=debug  # access-log lines too, for the scan below
RUN_DIR="$(mktemp -d /tmp/ccms-e2e-education.XXXXXX)"
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
check "stack lists ccms-education" grep -q "ccms-education" "$RUN_DIR/up.out"
check "education reports SERVING" quiet "$CTL" health --addr "$CCMS_EDUCATION_ADDR" --timeout 2
WORKER="$("$CTL" token --role social_worker --districts 110101 --subject sw-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
OTHER="$("$CTL" token --role office_staff --districts 310101 --subject staff-other --key-set "$CCMS_JWT_KEYS_FILE")"
AUDITOR="$("$CTL" token --role auditor --districts '*' --subject auditor-e2e --key-set "$CCMS_JWT_KEYS_FILE")"

# 1. Open and check in at records: education learns the case from the bus.
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case.json"
out="$("$CTL" case open --file "$RUN_DIR/case.json" --json 2>/dev/null)" || true
case_id="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "case opened" test -n "$case_id"
"$CTL" case check-in "$case_id" >/dev/null 2>&1 || true
got=""
for _ in $(seq 1 120); do
  got="$("$CTL" --token "$WORKER" service-file get "$case_id" 2>/dev/null || true)"
  grep -Eq "status +active" <<<"$got" && break
  sleep 0.5
done
check "education follows the case: active after intake" grep -Eq "status +active" <<<"$got"
check "... with the intake day" grep -Eq "intake reported +[0-9]{4}-[0-9]{2}-[0-9]{2}" <<<"$got"
check "... and the first contact's due day" grep -Eq "first contact due +[0-9]{4}-" <<<"$got"

# 2. First contact and service file.
check "first contact recorded" quiet "$CTL" --token "$WORKER" service-file contact "$case_id" --form home_visit
ANALYSIS="E2E-ANALYSIS-MARKER-$$"
opened="$("$CTL" --token "$WORKER" service-file open "$case_id" --cause FAMILY --cause ECONOMIC \
  --need EMPLOYMENT --analysis "$ANALYSIS" 2>&1 || true)"
check "service file opened" grep -Eq "service file +[0-9]{4}-[0-9]{2}-[0-9]{2} \(" <<<"$opened"
check "a second file is refused (ALREADY_EXISTS)" bash -c "'$CTL' --token '$WORKER' service-file open '$case_id' --cause FAMILY --need OTHER 2>&1 | grep -q ALREADY_EXISTS"
check "an unknown code is refused" bash -c "'$CTL' --token '$WORKER' service-file open '$case_id' --cause NOPE --need OTHER 2>&1 | grep -q INVALID_ARGUMENT"
check "another district's staff: NOT_FOUND" bash -c "'$CTL' --token '$OTHER' service-file get '$case_id' 2>&1 | grep -q NOT_FOUND"
check "an auditor reads" quiet "$CTL" --token "$AUDITOR" service-file get "$case_id"
check "an auditor cannot record" bash -c "'$CTL' --token '$AUDITOR' service-file contact '$case_id' --form phone 2>&1 | grep -q PERMISSION_DENIED"
check "the district's list has it" bash -c "'$CTL' --token '$WORKER' service-file list --district 110101 | grep -q '$case_id'"

# 3. Events on ccms.education.v1, keyed by the case, codes only.
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.education.service_file_opened" <<<"$bus" && break
  sleep 0.25
done
check "first_contact_recorded on ccms.education.v1" grep -q "^$case_id .*ce_type=ccms.education.first_contact_recorded" <<<"$bus"
check "service_file_opened on ccms.education.v1" grep -q "^$case_id .*ce_type=ccms.education.service_file_opened" <<<"$bus"
check "the analysis is not on the bus" bash -c "! grep -aq -- '$ANALYSIS' <<<\"\$1\"" _ "$bus"
# 4. The correction plan (一人一案): drafted, agreed, approved and in force; a warning in records
#    makes a revision due (consumer group ccms-education-plans), its event on ccms.education.v1.
STAFF="$("$CTL" token --role office_staff --districts 110101 --subject staff-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
PLAN_TEXT="E2E-PLAN-TEXT-$$"
cat > "$RUN_DIR/plan.json" <<JSON
{"needCodes": ["EMPLOYMENT"], "needsSummary": "$PLAN_TEXT",
 "goals": [{"term": "GOAL_TERM_SHORT", "description": "$PLAN_TEXT", "targetDate": {"year": $(stack_date 30 | cut -c1-4), "month": $((10#$(stack_date 30 | cut -c6-7))), "day": $((10#$(stack_date 30 | cut -c9-10)))}},
           {"term": "GOAL_TERM_MEDIUM", "description": "medium", "targetDate": {"year": $(stack_date 180 | cut -c1-4), "month": $((10#$(stack_date 180 | cut -c6-7))), "day": $((10#$(stack_date 180 | cut -c9-10)))}},
           {"term": "GOAL_TERM_LONG", "description": "long", "targetDate": {"year": $(stack_date 360 | cut -c1-4), "month": $((10#$(stack_date 360 | cut -c6-7))), "day": $((10#$(stack_date 360 | cut -c9-10)))}}],
 "steps": [{"stepId": "weekly-talk", "stepCode": "JOB_HELP", "description": "talks", "startDate": {"year": $(stack_date | cut -c1-4), "month": $((10#$(stack_date | cut -c6-7))), "day": $((10#$(stack_date | cut -c9-10)))}, "endDate": {"year": $(stack_date 60 | cut -c1-4), "month": $((10#$(stack_date 60 | cut -c6-7))), "day": $((10#$(stack_date 60 | cut -c9-10)))}, "schedule": "weekly"}],
 "measures": ["$PLAN_TEXT"]}
JSON
plan="$("$CTL" --token "$WORKER" plan draft "$case_id" --content "$RUN_DIR/plan.json" 2>&1 || true)"
check "plan drafted (version 1, draft)" grep -Eq "status +draft" <<<"$plan"
check "plan agreed with the person" quiet "$CTL" --token "$WORKER" plan agree "$case_id" --version 1 --on "$(stack_date)"
check "a social worker cannot approve" bash -c "'$CTL' --token '$WORKER' plan approve '$case_id' --version 1 2>&1 | grep -q PERMISSION_DENIED"
check "office staff approve the plan" quiet "$CTL" --token "$STAFF" plan approve "$case_id" --version 1
plan="$("$CTL" --token "$WORKER" plan activate "$case_id" --version 1 2>&1 || true)"
check "plan active" grep -Eq "status +active" <<<"$plan"
check "another district's staff: NOT_FOUND" bash -c "'$CTL' --token '$OTHER' plan get '$case_id' 2>&1 | grep -q NOT_FOUND"
out="$("$CTL" case violation "$case_id" --kind other --facts "e2e" --json 2>/dev/null || true)"
violation_id="$(echo "$out" | sed -n 's/.*"violationId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "a violation recorded in records" test -n "$violation_id"
check "a warning issued in records" quiet "$CTL" case sanction "$case_id" --kind warning --violation "$violation_id"
plan=""
for _ in $(seq 1 120); do
  plan="$("$CTL" --token "$WORKER" plan get "$case_id" 2>/dev/null || true)"
  grep -q "sanction" <<<"$plan" && break
  sleep 0.5
done
check "the warning makes a revision of the plan due" grep -Eq "revisions due +[1-9]" <<<"$plan"
check "... with reason SANCTION and its due day" grep -Eq "sanction +$(stack_date) +$(stack_date 15) +no" <<<"$plan"
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.education.plan_revision_due" <<<"$bus" && break
  sleep 0.25
done
check "plan_agreed and plan_approved on ccms.education.v1" bash -c "grep -q '^$case_id .*ce_type=ccms.education.plan_agreed' <<<\"\$1\" && grep -q '^$case_id .*ce_type=ccms.education.plan_approved' <<<\"\$1\"" _ "$bus"
check "plan_revision_due on ccms.education.v1" grep -q "^$case_id .*ce_type=ccms.education.plan_revision_due" <<<"$bus"
check "the plan's text is not on the bus" bash -c "! grep -aq -- '$PLAN_TEXT' <<<\"\$1\"" _ "$bus"
# 5. Care (issue 14 items 10-12): a crisis flag raised in assessment makes an urgent counselling
# contact due in education (ccms.assessment.v1); therapy by a volunteer is refused; guidance meets
# the contact; the psychological file's text is on no topic and in no log.
CALL=(/usr/bin/python3 "$ROOT/tools/grpc_call.py" "$CCMS_EDUCATION_ADDR")
raised=0
for _ in $(seq 1 60); do  # assessment learns the case from records' events first
  if quiet "$CTL" --token "$WORKER" crisis raise "$case_id" --kind suicide; then raised=1; break; fi
  sleep 0.5
done
check "a crisis flag is raised in assessment" test "$raised" = 1
urgent=""
for _ in $(seq 1 60); do
  urgent="$(CCMS_TOKEN="$WORKER" "${CALL[@]}" call ccms.education.v1.CounsellingService/ListUrgentContacts '{"districtCode": "110101"}' 2>&1 || true)"
  grep -q "$case_id" <<<"$urgent" && break
  sleep 0.5
done
check "a crisis flag in assessment makes the urgent contact due in education" grep -q "$case_id" <<<"$urgent"
check "... with its due time" grep -q '"dueAt"' <<<"$urgent"
expert="$(CCMS_TOKEN="$WORKER" "${CALL[@]}" call ccms.education.v1.CounsellingService/RegisterExpert \
  "{\"requestId\": \"$(cat /proc/sys/kernel/random/uuid)\", \"districtCode\": \"110101\", \"kind\": \"EXPERT_KIND_VOLUNTEER\", \"displayName\": \"e2e volunteer\"}" 2>&1 || true)"
expert_id="$(sed -n 's/.*"expertId": *"\([0-9a-f-]*\)".*/\1/p' <<<"$expert" | head -1)"
check "an expert joins the district's pool" test -n "$expert_id"
session() {
  CCMS_TOKEN="$WORKER" "${CALL[@]}" call ccms.education.v1.CounsellingService/RecordCounsellingSession \
    "{\"requestId\": \"$(cat /proc/sys/kernel/random/uuid)\", \"caseId\": \"$case_id\", \"expertId\": \"$expert_id\", \"kind\": \"$1\", \"durationMinutes\": 50}" 2>&1 || true
}
check "therapy by a volunteer is refused naming the rule" bash -c 'grep -q "FAILED_PRECONDITION.*therapy_by_professional" <<<"$1"' _ "$(session COUNSELLING_KIND_THERAPY)"
check "guidance meets the urgent contact" bash -c 'grep -q "urgentFlagIds" <<<"$1"' _ "$(session COUNSELLING_KIND_GUIDANCE)"
urgent="$(CCMS_TOKEN="$WORKER" "${CALL[@]}" call ccms.education.v1.CounsellingService/ListUrgentContacts '{"districtCode": "110101"}' 2>&1 || true)"
check "... and the urgent list no longer has it" bash -c "! grep -q '$case_id' <<<\"\$1\"" _ "$urgent"
PSYCH="E2E-PSYCH-FILE-MARKER-$$"
check "the psychological file is written" bash -c 'grep -q "\"version\": 1" <<<"$1"' _ \
  "$(CCMS_TOKEN="$WORKER" "${CALL[@]}" call ccms.education.v1.CounsellingService/UpdatePsychFile \
    "{\"requestId\": \"$(cat /proc/sys/kernel/random/uuid)\", \"caseId\": \"$case_id\", \"text\": \"$PSYCH\"}" 2>&1 || true)"
check "an auditor cannot read the psychological file" bash -c 'grep -q PERMISSION_DENIED <<<"$1"' _ \
  "$(CCMS_TOKEN="$AUDITOR" "${CALL[@]}" call ccms.education.v1.CounsellingService/GetPsychFile "{\"caseId\": \"$case_id\"}" 2>&1 || true)"
care_bus=""
for _ in $(seq 1 40); do
  care_bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.education.counselling_session_recorded" <<<"$care_bus" && break
  sleep 0.25
done
check "counselling_session_recorded on ccms.education.v1" grep -q "^$case_id .*ce_type=ccms.education.counselling_session_recorded" <<<"$care_bus"
check "the psychological file is not on the bus" bash -c "! grep -aq -- '$PSYCH' <<<\"\$1\"" _ "$care_bus"

metrics_port="${CCMS_EDUCATION_METRICS##*:}"
all_metrics="$( (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port"; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3) || true)"
check "metrics served" grep -q "ccms_" <<<"$all_metrics"
check "case id is no metric label" bash -c "! grep -q '$case_id' <<<\"\$1\"" _ "$all_metrics"

# 6. Sessions (issue 14 items 4-5): a session tomorrow and one under way, the case enrolled in
# both; a leave approved in records for tomorrow makes the first EXCUSED within 5 s (education
# follows records' leave_approved); attendance recorded for the second puts its event on Kafka.
audience=adults_only
"$CTL" --token "$WORKER" service-file get "$case_id" 2>/dev/null | grep -Eq "minor +yes" && audience=minors_only
tomorrow="$(TZ=Asia/Shanghai date -d tomorrow +%F)"
now_minus_10="$(TZ=Asia/Shanghai date -d '-10 min' +%Y-%m-%dT%H:%M)"
schedule() {  # schedule START MINUTES -> the session id
  "$CTL" --token "$WORKER" --json session schedule --district 110101 --kind routine \
    --form face_to_face --audience "$audience" --start "$1" --minutes "$2" --capacity 5 \
    2>/dev/null | sed -n 's/.*"sessionId": *"\([0-9a-f-]*\)".*/\1/p' | head -1
}
later="$(schedule "${tomorrow}T09:00" 60)"
now_session="$(schedule "$now_minus_10" 60)"
check "sessions scheduled" test -n "$later" -a -n "$now_session"
check "a session without an audience is refused" bash -c "'$CTL' --token '$WORKER' session schedule --district 110101 --kind routine --form face_to_face --audience nobody --start '${tomorrow}T09:00' --capacity 5 2>&1 | grep -qi 'audience'"
check "enrolled in tomorrow's session" bash -c "'$CTL' --token '$WORKER' session enrol '$later' '$case_id' | grep -q enrolled"
check "enrolled in the session under way" quiet "$CTL" --token "$WORKER" session enrol "$now_session" "$case_id"
leave_out="$("$CTL" --json leave request "$case_id" --start "$tomorrow" --end "$tomorrow" \
  --destination "E2E-DEST" --reason "family" 2>&1 || true)"
leave_id="$(echo "$leave_out" | sed -n 's/.*"leaveId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "leave requested in records" test -n "$leave_id"
check "leave approved in records" quiet "$CTL" leave approve "$case_id" "$leave_id"
approved_at="$(date +%s%N)"
excused=""
for _ in $(seq 1 100); do
  excused="$("$CTL" --token "$WORKER" session get "$later" 2>/dev/null || true)"
  grep -q "excused.*approved_leave" <<<"$excused" && break
  sleep 0.05
done
excused_ms=$((($(date +%s%N) - approved_at) / 1000000))
echo "     leave approved -> EXCUSED in ${excused_ms} ms"
check "leave approved in records -> EXCUSED (approved_leave)" grep -q "excused.*approved_leave" <<<"$excused"
check "... within 5 s" test "$excused_ms" -le 5000
NOTE="E2E-BEHAVIOUR-NOTE-$$"
check "attendance recorded (bulk call)" bash -c "'$CTL' --token '$WORKER' session attend '$now_session' --case '$case_id:attended' --note '$case_id:$NOTE' | grep -q attended"
check "the service credited the minutes (60 of 60)" bash -c "'$CTL' --token '$WORKER' session get '$now_session' | grep -Eq 'attended +- +no +60'"
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -o beginning -e -q \
    -f '%k %h %s\n' 2>/dev/null | tr -d '\000' || true)"
  [ "$(grep -c "^$case_id .*ce_type=ccms.education.attendance_recorded" <<<"$bus")" -ge 2 ] && break
  sleep 0.25
done
check "attendance_recorded on ccms.education.v1 (the excuse and the attendance)" \
  test "$(grep -c "^$case_id .*ce_type=ccms.education.attendance_recorded" <<<"$bus")" -ge 2
check "session_scheduled on ccms.education.v1" grep -q "ce_type=ccms.education.session_scheduled" <<<"$bus"
check "the behaviour note is not on the bus" bash -c "! grep -aq -- '$NOTE' <<<\"\$1\"" _ "$bus"

# 7. The partner view (issue 14 item 14): a session delivered by dev-agency, under way, the case
# enrolled (withdrawn first from the office's session under way: one person is never in two
# sessions at once); the example partner client over mutual TLS lists it, shows the person by
# referral code and given name (a minor's withheld) and records the attendance; another agency's
# token sees nothing of it.
TLS="$RUN_DIR/tls"
PARTNER="$("$CTL" token --role partner --districts 110101 --agency dev-agency --subject partner-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
PARTNER_B="$("$CTL" token --role partner --districts 110101 --agency other-agency --subject partner-b --key-set "$CCMS_JWT_KEYS_FILE")"
now_minus_5="$(TZ=Asia/Shanghai date -d '-5 min' +%Y-%m-%dT%H:%M)"
check "the case withdrawn from the office's session under way" quiet "$CTL" --token "$WORKER" session withdraw "$now_session" "$case_id"
partner_session="$("$CTL" --token "$WORKER" --json session schedule --district 110101 --kind classified \
  --form face_to_face --audience "$audience" --start "$now_minus_5" --minutes 60 --capacity 5 \
  --provider partner_agency --provider-id dev-agency 2>/dev/null | sed -n 's/.*"sessionId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "a session delivered by a partner agency scheduled" test -n "$partner_session"
check "the case enrolled in it" quiet "$CTL" --token "$WORKER" session enrol "$partner_session" "$case_id"
GIVEN="GIVENE2E$$"
expected_name="$GIVEN"
if [ "$audience" = minors_only ]; then
  check "a minor's name is never recorded for partners" bash -c "'$CTL' --token '$WORKER' session partner-name '$case_id' --given-name '$GIVEN' 2>&1 | grep -q FAILED_PRECONDITION"
  expected_name="(withheld)"
else
  check "the office records the name partners see" quiet "$CTL" --token "$WORKER" session partner-name "$case_id" --given-name "$GIVEN"
fi
PCLIENT=(/usr/bin/python3 "$ROOT/docs/examples/partner_sessions_client.py" --addr "$CCMS_EDUCATION_ADDR"
  --ca "$TLS/ca.crt" --cert "$TLS/partner.crt" --key "$TLS/partner.key")
listed="$("${PCLIENT[@]}" --token "$PARTNER" 2>&1 || true)"
check "the partner client lists its agency's session" grep -q "^session $partner_session CLASSIFIED .* SCHEDULED enrolled 1\$" <<<"$listed"
check "... and not the office's own" bash -c "! grep -q '$now_session' <<<\"\$1\"" _ "$listed"
people="$("${PCLIENT[@]}" --token "$PARTNER" --session "$partner_session" 2>&1 || true)"
check "the partner sees the person by referral code and given name" grep -q "^E-[0-9A-F]\{12\} $expected_name - 0\$" <<<"$people"
check "... never the case id" bash -c "! grep -q '$case_id' <<<\"\$1\"" _ "$people"
code="$(sed -n 's/^\(E-[0-9A-F]*\) .*/\1/p' <<<"$people" | head -1)"
attended="$("${PCLIENT[@]}" --token "$PARTNER" --session "$partner_session" --attend "$code:attended" 2>&1 || true)"
check "the partner records the attendance; the service credits 60 minutes" grep -q "^$code $expected_name ATTENDED 60\$" <<<"$attended"
check "the office sees it, recorded by the partner" bash -c "'$CTL' --token '$WORKER' --json session get '$partner_session' | grep -q '\"recordedBy\": *\"partner:dev-agency\"'"
wrong="$("${PCLIENT[@]}" --token "$PARTNER_B" --session "$partner_session" 2>&1 || true)"
check "dev-agency's certificate with another agency's token: refused" grep -q "^error: PERMISSION_DENIED" <<<"$wrong"
check "staff cannot use the partner view" bash -c "CCMS_TOKEN='$WORKER' /usr/bin/python3 '$ROOT/tools/grpc_call.py' '$CCMS_EDUCATION_ADDR' call ccms.education.v1.PartnerSessionService/ListPartnerSessions '{}' 2>&1 | grep -q PERMISSION_DENIED"
# 8. An absence after notice (issue 14 item 13; acceptance): a second person, under supervision
# for 70 days, is absent after notice from a session under way; records follows ccms.education.v1
# (consumer group ccms-records-education) and its GetSanctionStatus lists the admonition ground
# ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE for that case: a ground for staff to weigh, no sanction.
stack_case_json "$ROOT/docs/examples/case.json" "$RUN_DIR/case2.json" 70 1988-05-20
out="$("$CTL" case open --file "$RUN_DIR/case2.json" --json 2>/dev/null)" || true
case2="$(echo "$out" | sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "a second case opened, its term from 70 days ago" test -n "$case2"
"$CTL" case check-in "$case2" >/dev/null 2>&1 || true
got=""
for _ in $(seq 1 120); do
  got="$("$CTL" --token "$WORKER" service-file get "$case2" 2>/dev/null || true)"
  grep -Eq "status +active" <<<"$got" && break
  sleep 0.5
done
check "education follows the second case: active" grep -Eq "status +active" <<<"$got"
check "before: the education-absence ground is not met" bash -c \
  "'$CTL' case sanctions '$case2' | grep -Eq '^ground +ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE: not met — 0 absence'"
started="$(TZ=Asia/Shanghai date -d "@$(($(date +%s) + STACK_CLOCK_OFFSET - 300))" +%Y-%m-%dT%H:%M)"
absent_session="$("$CTL" --token "$WORKER" --json session schedule --district 110101 --kind routine \
  --form face_to_face --audience adults_only --start "$started" --minutes 60 --capacity 5 \
  2>/dev/null | sed -n 's/.*"sessionId": *"\([0-9a-f-]*\)".*/\1/p' | head -1)"
check "a session under way scheduled for the second case" test -n "$absent_session"
check "... and the case enrolled" quiet "$CTL" --token "$WORKER" session enrol "$absent_session" "$case2"
check "ABSENT_AFTER_NOTICE recorded (no minutes credited)" bash -c \
  "'$CTL' --token '$WORKER' session attend '$absent_session' --case '$case2:absent_after_notice' >/dev/null 2>&1 && '$CTL' --token '$WORKER' session get '$absent_session' | grep -Eq 'absent_after_notice +- +yes +0'"
absent_at="$(date +%s%N)"
status=""
deadline=$((SECONDS + 20))
while [ "$SECONDS" -lt "$deadline" ]; do
  status="$("$CTL" case sanctions "$case2" 2>/dev/null || true)"
  grep -Eq "^ground met +ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE: met" <<<"$status" && break
  sleep 0.1
done
echo "     ABSENT_AFTER_NOTICE -> records' ground in $((($(date +%s%N) - absent_at) / 1000000)) ms"
check "records' GetSanctionStatus lists the education-absence ground, met" \
  grep -Eq "^ground met +ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE: met — 1 absence\(s\) after notice reported by education, 0 EDUCATION_MISSED violation\(s\) recorded; the latest absence on $(stack_date) " <<<"$status"
check "... a ground for an admonition, no sanction by itself" bash -c \
  'grep -Eq "^uncorrected admonitions +0$" <<<"$1" && grep -Eq "^next step +grounds for an admonition are present" <<<"$1"' _ "$status"
check "... by rule ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE" bash -c \
  "'$CTL' --json case sanctions '$case2' | python3 -c 'import json,sys; g=[x for x in json.load(sys.stdin)[\"status\"][\"grounds\"] if x[\"rule\"]==\"ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE\"]; sys.exit(0 if len(g)==1 and g[0].get(\"met\") and g[0].get(\"count\")==1 else 1)'"

# 9. The hours ledger (issue 14 item 6): the second case's last month, all of it in the term, is
# closed with ccmsctl (no attendance then: the whole requirement is short); its hours_month_closed is on ccms.education.v1 once, keyed by the case,
# and decoded it holds codes, days and minutes only.
prev="$(date -d "$(stack_date | cut -c1-7)-01 -1 day" +%F)"
prev_year="${prev:0:4}"
prev_month="$((10#${prev:5:2}))"
this_month="$(stack_date)"
check "the month under way cannot be closed" bash -c "'$CTL' --token '$WORKER' hours close '$case2' --year ${this_month:0:4} --month $((10#${this_month:5:2})) 2>&1 | grep -q FAILED_PRECONDITION"
closed="$("$CTL" --token "$WORKER" hours close "$case2" --year "$prev_year" --month "$prev_month" 2>&1 || true)"
check "last month closed (${prev:0:7})" bash -c 'grep -Eq "^month +'"${prev:0:7}"'$" <<<"$1" && grep -Eq "^closed +yes, by sw-e2e" <<<"$1"' _ "$closed"
check "... a whole month of the term" grep -Eq "^term days +([0-9]+) of \1$" <<<"$closed"
check "closing it again answers the frozen month" bash -c "'$CTL' --token '$WORKER' hours close '$case2' --year $prev_year --month $prev_month 2>&1 | grep -q 'closed before'"
bus=""
for _ in $(seq 1 40); do
  bus="$(timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -o beginning -e -q \
    -f '%p %o %k %h\n' 2>/dev/null | tr -d '\000' || true)"
  grep -q "ce_type=ccms.education.hours_month_closed" <<<"$bus" && break
  sleep 0.25
done
check "hours_month_closed on ccms.education.v1, keyed by the case, once" \
  test "$(grep -c "^[0-9]* [0-9]* $case2 .*ce_type=ccms.education.hours_month_closed" <<<"$bus")" = 1
read -r partition offset < <(sed -n "s/^\([0-9]*\) \([0-9]*\) $case2 .*ce_type=ccms.education.hours_month_closed.*/\1 \2/p" <<<"$bus" | head -1) || true
timeout 10 kcat -b "$CCMS_KAFKA_BOOTSTRAP" -C -t ccms.education.v1 -p "${partition:-0}" -o "${offset:-0}" -c 1 -e -q -f '%s' \
  > "$RUN_DIR/month_closed.bin" 2>/dev/null || true
/usr/bin/python3 "$ROOT/tests/e2e/event_fields.py" "$RUN_DIR/month_closed.bin" > "$RUN_DIR/month_closed.txt" 2>&1 || true
check "... for that month" bash -c 'grep -q "^payload ccms.education.v1.HoursMonthClosed$" "$1" && grep -q "^year '"$prev_year"'$" "$1" && grep -q "^month '"$prev_month"'$" "$1"' _ "$RUN_DIR/month_closed.txt"
# Every field of the payload is an id, a code, a day count or minutes (the reviewed list).
MONTH_CLOSED_FIELDS="case_id district_code year month term_days study_required_minutes study_credited_minutes study_shortfall_minutes study_waived_days community_service_required_minutes community_service_credited_minutes community_service_shortfall_minutes community_service_waived_days lost_contact_days hospital_days policy_version"
check "... its payload holds ids, codes, days and minutes only" bash -c '
  fields="$(sed -n "3,\$s/^\([a-z_]*\) .*/\1/p" "$1")"
  [ -n "$fields" ] || exit 1
  for f in $fields; do grep -qw -- "$f" <<<"$2" || { echo "     not on the list: $f"; exit 1; }; done' _ "$RUN_DIR/month_closed.txt" "$MONTH_CLOSED_FIELDS"
id2_body="$(sed -n 's/.*"id_number": *"\([0-9]\{17\}\).*/\1/p' "$RUN_DIR/case2.json")"
check "... and no name or identity number" bash -c '! grep -aq -e "$2" -e "张三" "$1"' _ "$RUN_DIR/month_closed.bin" "$id2_body"
"$ROOT/deploy/dev/down" > "$RUN_DIR/down.out" 2>&1
check "the analysis is in no service log" bash -c "! grep -rq -- '$ANALYSIS' '$RUN_DIR/logs'"
check "the plan's text is in no service log" bash -c "! grep -rq -- '$PLAN_TEXT' '$RUN_DIR/logs'"
check "the psychological file is in no service log" bash -c "! grep -rq -- '$PSYCH' '$RUN_DIR/logs'"
check "the behaviour note is in no service log" bash -c "! grep -rq -- '$NOTE' '$RUN_DIR/logs'"
check "the partner-view name is in no service log" bash -c "! grep -rq -- '$GIVEN' '$RUN_DIR/logs'"
check "SIGTERM stops ccms-education gracefully" grep -q '"event":"service_stopped"' "$RUN_DIR/logs/education.log"

echo "e2e education: $passed passed, $failed failed"
[ "$failed" = 0 ]
