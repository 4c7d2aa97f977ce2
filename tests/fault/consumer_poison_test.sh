#!/usr/bin/env bash
# Consumer faults: a poison event (bytes that are no envelope) produced onto ccms.records.v1, one
# in every partition, ahead of new cases. Assessment must dead-letter each at once (error class
# DECODE, no event id), go on applying the later events of other cases, count them in
# ccms_consumer_dead_letters_total, and the alert CcmsConsumerDeadLetters must fire on the scraped
# values (promtool, the real rule file). A requeued poison row fails again: requeued_at is cleared
# and its attempts counted. Figures: dead_letter_s, events_checked, dead_letters, requeue_s.
set -euo pipefail
source "${FAULT_LIB:-$CCMS_SOURCE_DIR/tests/fault}/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/consumer_lib.sh"
TOPIC=ccms.records.v1

fault_init consumer_poison
consumer_second_database
fault_log "$(consumer_skip_backlog ccms-assessment ccms.records.v1)"
fault_start a records
FAULT_RECORDS_ADDR="${FAULT_ADDR[a]}" fault_start b assessment CCMS_DB_DSN="$CONSUMER_AS_DSN" \
  CCMS_CONSUMER_REQUEUE_POLL_MS=500

open_cases() {
  "$FAULT_LOAD_BIN" open-case --addr "${FAULT_ADDR[a]}" --key-file "$FAULT_DIR/jwt-keys.json" \
    --count "$1" -c 4 --warmup 0 --quiet >>"$FAULT_DIR/open.out" 2>&1 || fault_fail "open-case failed"
}
# Assessment has applied every case event records wrote (records' outbox vs assessment's inbox).
all_applied() {
  fault_sql "SELECT event_id FROM outbox WHERE topic = '$TOPIC' ORDER BY 1" >"$FAULT_DIR/written"
  consumer_as_sql "SELECT event_id FROM inbox WHERE consumer = 'ccms-assessment' ORDER BY 1" >"$FAULT_DIR/applied"
  [ -s "$FAULT_DIR/written" ] && [ -z "$(comm -23 "$FAULT_DIR/written" "$FAULT_DIR/applied")" ]
}
dead_letters_metric() { fault_metric b ccms_consumer_dead_letters_total 'consumer="ccms-assessment"'; }

# The topic exists and assessment follows it.
open_cases 2
fault_wait_until 60 all_applied >/dev/null || fault_fail "assessment did not apply the first cases"
before="$(dead_letters_metric)"
[ "$before" = 0 ] || fault_fail "ccms_consumer_dead_letters_total is '$before' before the poison"

PARTITIONS="$(kcat -L -b "$CCMS_TEST_KAFKA_BOOTSTRAP" -t "$TOPIC" | sed -n 's/.* with \([0-9]*\) partitions.*/\1/p')"
[ -n "$PARTITIONS" ] || fault_fail "cannot read $TOPIC's partitions"
t0=$(fault_now_ms)
for ((p = 0; p < PARTITIONS; p++)); do
  printf 'poison %d: no envelope \001\377' "$p" |
    kcat -P -b "$CCMS_TEST_KAFKA_BOOTSTRAP" -t "$TOPIC" -p "$p" -k "poison-$p" ||
    fault_fail "kcat could not produce"
done
fault_log "produced $PARTITIONS poison records (one per partition)"
open_cases 24

poisoned() {
  [ "$(consumer_as_sql "SELECT count(*) FROM dead_letters WHERE source = 'ccms-assessment'
        AND topic = '$TOPIC' AND error_class = 'DECODE' AND event_id IS NULL")" = "$PARTITIONS" ]
}
fault_wait_until 30 poisoned >/dev/null || fault_fail "assessment did not dead-letter the $PARTITIONS poison records"
dl_s="$(awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f\n", ms / 1000 }')"
fault_figure dead_letter_s "$dl_s"
fault_wait_until 60 all_applied >/dev/null || fault_fail "later events of other cases were not applied"
fault_figure events_checked "$(wc -l <"$FAULT_DIR/written")"
fault_figure dead_letters "$(consumer_as_sql "SELECT count(*) FROM dead_letters")"
dups="$(consumer_as_sql "SELECT count(*) - count(DISTINCT event_id) FROM inbox")"
fault_figure duplicates_applied "$dups"
after="$(dead_letters_metric)"
fault_figure metric_dead_letters_total "$after"
[ "${after%.*}" = "$PARTITIONS" ] || fault_fail "ccms_consumer_dead_letters_total is $after, expected $PARTITIONS"
fault_alive b || fault_fail "assessment died"

# The alert, on the scraped values (one scrape a minute: before, then after).
cat >"$FAULT_DIR/alert_test.yml" <<YAML
rule_files:
  - $CCMS_SOURCE_DIR/deploy/prometheus/ccms-alerts.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'ccms_consumer_dead_letters_total{job="ccms-assessment",instance="b",consumer="ccms-assessment"}'
        values: '$before $after $after $after'
    promql_expr_test:
      - expr: ALERTS{alertname="CcmsConsumerDeadLetters"}
        eval_time: 2m
        exp_samples:
          - labels: 'ALERTS{alertname="CcmsConsumerDeadLetters",alertstate="firing",consumer="ccms-assessment",severity="warning"}'
            value: 1
YAML
promtool test rules "$FAULT_DIR/alert_test.yml" >"$FAULT_DIR/promtool.out" 2>&1 ||
  { cat "$FAULT_DIR/promtool.out"; fault_fail "CcmsConsumerDeadLetters did not fire on the scraped values"; }
fault_log "promtool: CcmsConsumerDeadLetters fires on $before -> $after"

# Requeued, the poison fails again: requeued_at cleared, one more attempt, still open.
t0=$(fault_now_ms)
consumer_as_sql "UPDATE dead_letters SET requeued_at = now() WHERE source = 'ccms-assessment'" >/dev/null
requeue_done() {
  [ "$(consumer_as_sql "SELECT count(*) FROM dead_letters WHERE requeued_at IS NULL
        AND resolved_at IS NULL AND attempts = 2")" = "$PARTITIONS" ]
}
fault_wait_until 15 requeue_done >/dev/null || fault_fail "the requeued poison rows were not taken back"
fault_figure requeue_s "$(awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f\n", ms / 1000 }')"
fault_log "consumer_poison: passed"
