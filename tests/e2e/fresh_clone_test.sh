#!/usr/bin/env bash
# End to end, the README's first command as a newcomer meets it: `git clone` of this checkout
# (its committed HEAD) into a private 0700 folder, like /root or any mktemp -d folder, then
# deploy/dev/up --detach from the clone with the default run folder (.run in the clone) and the
# default data location, on free ports (CCMS_DEV_PORT_OFFSET) and with the existing build
# (CCMS_BUILD_DIR, so nothing is rebuilt). Health over TLS, a case, down; up again keeps the case
# and the certificates; down --purge deletes the cluster.
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export CCMS_BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$CCMS_BUILD_DIR/tools/ccmsctl/ccmsctl"

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/clock.sh"
unset CCMS_RUN_DIR CCMS_PG_DATA_DIR

PRIVATE="$(mktemp -d /tmp/ccms-clone.XXXXXX)"  # 0700, as /root is
CLONE="$PRIVATE/ccms"
CCMS_DEV_PORT_OFFSET="$(ccms_dev_port_offset 71)"
export CCMS_DEV_PORT_OFFSET
cleanup() {
  [ -x "$CLONE/deploy/dev/down" ] && "$CLONE/deploy/dev/down" --purge >/dev/null 2>&1
  if [ "$failed" = 0 ]; then
    rm -rf "$PRIVATE"
  else
    echo "clone and logs kept in $CLONE/.run/logs"
  fi
}
trap cleanup EXIT

check "the clone's parent folder is private (0700)" test "$(stat -c %a "$PRIVATE")" = 700
git clone -q "$ROOT" "$CLONE"
check "git clone into it" test -x "$CLONE/deploy/dev/up"
cd "$CLONE"

if ! deploy/dev/up --detach > "$PRIVATE/up.out" 2>&1; then
  failed=$((failed + 1))
  echo "FAIL - deploy/dev/up --detach from the clone"
  cat "$PRIVATE/up.out"
  exit 1
fi
check "deploy/dev/up --detach from the clone" grep -q "ccms dev stack is up" "$PRIVATE/up.out"
pg_dir="$(sed -n 's/^up: PostgreSQL on .*, data in \(.*\)$/\1/p' "$PRIVATE/up.out")"
echo "     PostgreSQL data in $pg_dir"
check "up says where the data is" test -n "$pg_dir" -a -f "$pg_dir/PG_VERSION"
if [ "$(id -u)" -eq 0 ]; then
  check "as root the cluster lives outside the private folder" \
    bash -c "[[ '$pg_dir' == /var/lib/ccms-dev/*/pg ]]"
fi
check "the private folder stayed private" test "$(stat -c %a "$PRIVATE")" = 700
# shellcheck disable=SC1091
. .run/env
check "up made the dev certificates" grep -q "gRPC over TLS; certificates in .*/.run/tls (made)" "$PRIVATE/up.out"
check "records reports SERVING (over TLS, certificates read from the private folder)" \
  "$CTL" health --addr "$CCMS_RECORDS_ADDR" --timeout 2
check "assessment reports SERVING" "$CTL" health --addr "$CCMS_ASSESSMENT_ADDR" --timeout 2
stack_case_json docs/examples/case.json "$PRIVATE/case.json"
out="$("$CTL" case open --file "$PRIVATE/case.json" --json 2>&1)" || true
case_id="$(sed -n 's/.*"caseId": *"\([0-9a-f-]*\)".*/\1/p' <<<"$out" | head -1)"
check "a case opens" test -n "$case_id"

deploy/dev/down > "$PRIVATE/down.out" 2>&1
check "deploy/dev/down stops it" grep -q "stopped PostgreSQL" "$PRIVATE/down.out"
check "the data stays" test -f "$pg_dir/PG_VERSION"
deploy/dev/up --detach > "$PRIVATE/up2.out" 2>&1 || cat "$PRIVATE/up2.out"
check "up again" grep -q "ccms dev stack is up" "$PRIVATE/up2.out"
check "up again reuses the certificates" grep -q "certificates in .*/.run/tls (reused)" "$PRIVATE/up2.out"
# shellcheck disable=SC1091
. .run/env
check "the case is still there" bash -c '"$@" >/dev/null' _ "$CTL" case get "$case_id"

deploy/dev/down --purge > "$PRIVATE/down2.out" 2>&1
check "down --purge deletes the cluster" test ! -e "$pg_dir"

echo "e2e fresh clone: $passed passed, $failed failed"
[ "$failed" = 0 ]
