# shellcheck shell=bash
# Sourced by the e2e scripts: dates as the stack's services see them. deploy/dev/up passes
# CCMS_TEST_CLOCK_START (a test setting) to the services, whose clock then starts there and runs
# in real time; the scripts take every date from that clock, never from `date` alone, so they hold
# whatever day the services think it is (tests/e2e/run_on_dates.sh runs them on month ends).
if [ -n "${CCMS_TEST_CLOCK_START:-}" ]; then
  STACK_CLOCK_OFFSET=$(( $(date -d "$CCMS_TEST_CLOCK_START" +%s) - $(date +%s) ))
else
  STACK_CLOCK_OFFSET=0
fi

# stack_date [DAYS]: the services' today (Asia/Shanghai) plus DAYS (may be negative), YYYY-MM-DD.
stack_date() {
  local today
  today="$(TZ=Asia/Shanghai date -d "@$(( $(date +%s) + STACK_CLOCK_OFFSET ))" +%F)"
  date -d "$today ${1:-0} days" +%F
}

# stack_case_json SOURCE OUT: the example OpenCaseRequest SOURCE with its dates moved to the
# services' today: judgment and start three days ago, a one-year term.
stack_case_json() {
  local start end as_json
  start="$(stack_date -3)"
  end="$(date -d "$start +1 year -1 day" +%F)"
  as_json() { date -d "$1" +'{"year": %Y, "month": %-m, "day": %-d}'; }
  sed -e "s/\"judgment_effective_date\": {[^}]*}/\"judgment_effective_date\": $(as_json "$start")/" \
      -e "s/\"start_date\": {[^}]*}/\"start_date\": $(as_json "$start")/" \
      -e "s/\"end_date\": {[^}]*}/\"end_date\": $(as_json "$end")/" "$1" > "$2"
}
