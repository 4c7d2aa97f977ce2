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

# stack_case_json SOURCE OUT [DAYS_AGO [BIRTH_DATE]]: the example OpenCaseRequest SOURCE with its
# dates moved to the services' today: judgment and start DAYS_AGO days ago (default 3), a one-year
# term. With BIRTH_DATE (YYYY-MM-DD) the identity number is another person's, born that day (a
# second case of the example would be refused: one open case per person).
stack_case_json() {
  local start end id_sed=()
  start="$(stack_date "-${3:-3}")"
  end="$(date -d "$start +1 year -1 day" +%F)"
  as_json() { date -d "$1" +'{"year": %Y, "month": %-m, "day": %-d}'; }
  if [ -n "${4:-}" ]; then
    id_sed=(-e "s/\"id_number\": *\"[0-9X]*\"/\"id_number\": \"$(stack_id_number "$4")\"/")
  fi
  sed -e "s/\"judgment_effective_date\": {[^}]*}/\"judgment_effective_date\": $(as_json "$start")/" \
      -e "s/\"start_date\": {[^}]*}/\"start_date\": $(as_json "$start")/" \
      -e "s/\"end_date\": {[^}]*}/\"end_date\": $(as_json "$end")/" "${id_sed[@]}" "$1" > "$2"
}

# stack_id_number BIRTH_DATE: a valid identity number (GB 11643 check digit) of a man of district
# 110101 born on BIRTH_DATE (YYYY-MM-DD), his sequence number 135.
stack_id_number() {
  local body weights=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) checks=10X98765432 sum=0 i
  body="110101$(date -d "$1" +%Y%m%d)135"
  for i in $(seq 0 16); do sum=$((sum + ${body:i:1} * weights[i])); done
  echo "$body${checks:sum%11:1}"
}
