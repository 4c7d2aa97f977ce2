# Shared by the e2e scripts (sourced): numbered checks and the closing "N passed, N failed" line.
passed=0
failed=0
check() {  # check "what" command...
  local what="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   - $what"
  else
    failed=$((failed + 1))
    echo "FAIL - $what"
  fi
}
