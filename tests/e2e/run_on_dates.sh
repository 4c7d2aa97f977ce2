#!/usr/bin/env bash
# Runs the e2e suites (ctest -L e2e) once per date, with the services' clock set to that date
# (the test setting CCMS_TEST_CLOCK_START=<date>T09:00:00+08:00, passed on by deploy/dev/up):
# by default the last day of every month of next year and 29 February of the next leap year.
# A one-off check by hand (13 runs of the e2e suites), not a stage of tests/run. Builds first.
# Two e2e tests reason about no date and are left out (CCMS_DATES_EXCLUDE to change):
# bench_smoke_test (throughput) and e2e_fresh_clone_test (start-up from a fresh clone).
#
#   tests/e2e/run_on_dates.sh                  the 13 default dates
#   tests/e2e/run_on_dates.sh 2027-02-28 ...   these dates
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
case "${1:-}" in -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

dates=("$@")
if ((${#dates[@]} == 0)); then
  year=$(( $(date +%Y) + 1 ))
  for m in $(seq 1 12); do
    dates+=("$(date -d "$year-$(printf %02d "$m")-01 +1 month -1 day" +%F)")
  done
  leap=$year
  until date -d "$leap-02-29" >/dev/null 2>&1; do leap=$((leap + 1)); done
  dates+=("$leap-02-29")
fi

"$ROOT/deploy/setup" >/dev/null || exit 1
export CCMS_SOURCE_DIR="$ROOT" CCMS_BUILD_DIR="$BUILD_DIR"
LOG_DIR="$(mktemp -d /tmp/ccms-dates.XXXXXX)"
EXCLUDE="${CCMS_DATES_EXCLUDE-^(bench_smoke_test|e2e_fresh_clone_test)\$}"
CTEST_ARGS=(--test-dir "$BUILD_DIR" -L '^e2e$' -V --timeout 900)
[ -n "$EXCLUDE" ] && CTEST_ARGS+=(-E "$EXCLUDE")
bad=0
printf '%-12s %-22s %s\n' date "ctest (tests)" "checks (all e2e scripts)"
for d in "${dates[@]}"; do
  date -d "$d" >/dev/null 2>&1 || { echo "not a date: $d" >&2; exit 2; }
  log="$LOG_DIR/$d.log"
  CCMS_TEST_CLOCK_START="${d}T09:00:00+08:00" \
    ctest "${CTEST_ARGS[@]}" > "$log" 2>&1
  rc=$?
  summary="$(grep -Eo '[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)"
  checks="$(grep -Eo '[0-9]+ passed, [0-9]+ failed$' "$log" |
    awk '{p += $1; f += $3} END {printf "%d passed, %d failed", p, f}')"
  printf '%-12s %-22s %s\n' "$d" "$(sed -E 's/.*, ([0-9]+) tests failed out of ([0-9]+)/\2 run, \1 failed/' <<<"$summary")" "$checks"
  [ "$rc" = 0 ] || bad=$((bad + 1))
done
echo "logs in $LOG_DIR"
[ "$bad" = 0 ] && echo "all ${#dates[@]} dates passed" || echo "$bad of ${#dates[@]} dates failed"
[ "$bad" = 0 ]
