# shellcheck shell=bash disable=SC2034  # sourced by the tests/deploy scripts, which use these
# Shared by the tests/deploy scripts (sourced): paths and a small check harness.
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CHARTRENDER="${CCMS_CHARTRENDER:-$BUILD_DIR/tests/deploy/chartrender}"
CHART="$ROOT/charts/ccms"

passed=0
failed=0
# check "what" command...: runs the command, shows its output only when it fails.
check() {
  local what="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1)); echo "ok   - $what"
  else
    failed=$((failed + 1)); echo "FAIL - $what"; echo "$out" | sed 's/^/       /'
  fi
}
# refute "what" command...: the command must fail (a check that can catch what it is for).
refute() {
  local what="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    failed=$((failed + 1)); echo "FAIL - $what (it passed)"; echo "$out" | sed 's/^/       /'
  else
    passed=$((passed + 1)); echo "ok   - $what"
  fi
}
finish() {
  echo "$(basename "$0"): $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
need_chartrender() {
  [ -x "$CHARTRENDER" ] || { echo "no $CHARTRENDER: run the deploy_tools_build test (ctest -R deploy_)" >&2; exit 1; }
}
