#!/usr/bin/env bash
# An outbox event the broker refuses (over message.max.bytes): its case's later event waits, the
# other cases flow on; after 5 attempts it is dead-lettered (metric); `ccmsctl dead-letters`
# lists and shows it (no payload; ops and city_admin only) and requeues it; the relay takes it
# back and publishes it (docs/operations.md, "Relay faults and dead letters").
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_init relay_dead_letters

fault_start a records
token() {
  "$FAULT_CTL" token --role "$1" --districts "${2:-*}" --subject "fault-$1" --ttl-hours 1 \
    --key-set "$FAULT_DIR/jwt-keys.json"
}
ctl() { "$FAULT_CTL" --addr "${FAULT_ADDR[a]}" --token "$OPS" "$@"; }
OPS="$(token ops)"

insert() {  # insert KEY PAYLOAD_BYTES: one outbox row of records' topic
  fault_sql "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, occurred_at)
    VALUES (gen_random_uuid(), 'ccms.records.v1', '$1', 'ccms.test.dead_letter',
            convert_to(repeat('x', $2), 'UTF8'), now())" >/dev/null
}
poisoned="$(cat /proc/sys/kernel/random/uuid)"
other="$(cat /proc/sys/kernel/random/uuid)"
t0=$(fault_now_ms)
insert "$poisoned" 2000000
insert "$poisoned" 16
insert "$other" 16
other_sent() { [ "$(fault_sql "SELECT count(*) FROM outbox WHERE record_key = '$other' AND sent_at IS NOT NULL")" = 1 ]; }
fault_wait_until 10 other_sent >/dev/null || fault_fail "another case's event did not flow on"
[ "$(fault_sql "SELECT count(*) FROM outbox WHERE record_key = '$poisoned' AND sent_at IS NOT NULL")" = 0 ] ||
  fault_fail "an event published past its case's refused one"
dead() { [ "$(fault_metric a ccms_outbox_dead_letters_total)" = 1 ]; }
fault_wait_until 20 dead >/dev/null || fault_fail "the refused event was not dead-lettered"
fault_figure dead_lettered_s "$(awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_wait_until 10 fault_outbox_drained >/dev/null || fault_fail "the case's later event did not follow"

list="$(ctl dead-letters list)"
echo "$list" | sed 's/^/  ctl: /'
grep -q "MSG_SIZE_TOO_LARGE" <<<"$list" || fault_fail "dead-letters list does not show it"
id="$(ctl --json dead-letters list | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["deadLetters"][0]["deadLetterId"])')"
show="$(ctl dead-letters show "$id")"
grep -q "outbox #" <<<"$show" || fault_fail "dead-letters show: no outbox place"
grep -q "xxxx" <<<"$show$list" && fault_fail "a payload was shown"
if "$FAULT_CTL" --addr "${FAULT_ADDR[a]}" --token "$(token office_staff 110101)" dead-letters list \
  >/dev/null 2>&1; then fault_fail "office_staff may list dead letters"; fi

# The operator fixed the cause (here: the event's size), then requeues it.
fault_sql "UPDATE dead_letters SET payload = convert_to('fixed', 'UTF8') WHERE id = $id" >/dev/null
t1=$(fault_now_ms)
ctl dead-letters requeue "$id" >/dev/null || fault_fail "requeue failed"
resolved() { [ "$(fault_sql "SELECT resolved_at IS NOT NULL FROM dead_letters WHERE id = $id")" = t ]; }
fault_wait_until 15 resolved >/dev/null || fault_fail "the relay did not take the requeued event back"
fault_wait_until 10 fault_outbox_drained >/dev/null || fault_fail "the requeued event was not published"
fault_figure requeued_published_s "$(awk -v ms=$(($(fault_now_ms) - t1)) 'BEGIN { printf "%.1f", ms / 1000 }')"
fault_nothing_lost --topic ccms.records.v1
fault_log "ok"
