#!/usr/bin/env bash
# API hygiene (docs/api.md): `buf lint` and `buf breaking` on proto/ with the rules of buf.yaml,
# and the same rules on small fixtures, which they must catch. buf is the one deploy/setup installs
# from npm into build/tools/buf; Google's common protos come from Debian's
# golang-github-gogo-googleapis-dev. Nothing is downloaded.
#
#   tests/api/buf_check.sh          (ctest api_buf_check_test, label unit)
#   CCMS_BUF_AGAINST=main tests/api/buf_check.sh   compare with another commit than HEAD~1
set -uo pipefail
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib.sh"  # ROOT, BUILD_DIR, check, refute, finish
BUF="${CCMS_BUF:-$BUILD_DIR/tools/buf/node_modules/.bin/buf}"
GOOGLEAPIS="${CCMS_GOOGLEAPIS_DIR:-/usr/share/gocode/src/github.com/gogo/googleapis}"
AGAINST="${CCMS_BUF_AGAINST:-HEAD~1}"
DATA="$ROOT/tests/api/testdata"

[ -x "$BUF" ] ||
  { echo "no buf at $BUF: run deploy/setup (it installs @bufbuild/buf)" >&2; exit 1; }
[ -f "$GOOGLEAPIS/google/rpc/status.proto" ] ||
  { echo "no google/rpc protos under $GOOGLEAPIS: run deploy/setup" >&2; exit 1; }
WORK="$(mktemp -d /tmp/ccms-buf-check.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export BUF_CACHE_DIR="$WORK/cache"  # no state shared with other runs or users

# workspace DIR PROTO_DIR: a buf workspace in DIR as buf.yaml describes it: the protos of
# PROTO_DIR as the proto module, Google's few common protos as the third_party/googleapis module.
workspace() {
  local dir="$1" protos="$2" g="$1/third_party/googleapis/google"
  mkdir -p "$dir/proto" "$g/rpc" "$g/type"
  cp "$ROOT/buf.yaml" "$dir/"
  cp -R "$protos/." "$dir/proto/"
  cp "$GOOGLEAPIS"/google/rpc/{status,error_details,code}.proto "$g/rpc/"
  cp "$GOOGLEAPIS/google/type/date.proto" "$g/type/"
}
# buf_in DIR ARGS...: buf run in the workspace DIR, so that it names files as the repository does
# (proto/ccms/...).
buf_in() {
  local dir="$1"
  shift
  (cd "$dir" && "$BUF" "$@")
}
# catches "what" RULE... -- DIR ARGS...: buf_in DIR ARGS... must fail and report each RULE, and
# none of the rules written with a leading "!" (e.g. !RPC_SAME_RESPONSE_TYPE: buf.yaml allows it).
catches() {
  local what="$1" rules=() out rule missing=""
  shift
  while [ "$1" != "--" ]; do rules+=("$1"); shift; done
  shift
  if out="$(buf_in "$@" --error-format json 2>&1)"; then
    failed=$((failed + 1)); echo "FAIL - $what (buf found nothing)"; return
  fi
  for rule in "${rules[@]}"; do
    if [ "${rule#!}" != "$rule" ]; then
      grep -q "\"type\":\"${rule#!}\"" <<<"$out" && missing+=" reported ${rule#!}"
    else
      grep -q "\"type\":\"$rule\"" <<<"$out" || missing+=" missed $rule"
    fi
  done
  if [ -n "$missing" ]; then
    failed=$((failed + 1)); echo "FAIL - $what:$missing"; echo "$out" | sed 's/^/       /'
  else
    passed=$((passed + 1)); echo "ok   - $what"
  fi
}

echo "buf $("$BUF" --version 2>&1)"
workspace "$WORK/current" "$ROOT/proto"
check "buf lint (STANDARD) on proto/" buf_in "$WORK/current" lint

# The rules catch what they are for: a bad proto added to the same workspace fails lint...
workspace "$WORK/lint_bad" "$ROOT/proto"
cp -R "$DATA/lint_bad/." "$WORK/lint_bad/proto/"
catches "buf lint catches a bad proto (tests/api/testdata/lint_bad)" \
  RPC_REQUEST_RESPONSE_UNIQUE RPC_REQUEST_STANDARD_NAME RPC_RESPONSE_STANDARD_NAME \
  FIELD_LOWER_SNAKE_CASE ENUM_ZERO_VALUE_SUFFIX -- "$WORK/lint_bad" lint
# ...and buf breaking reports wire and JSON breaks but lets a message be renamed (unreleased API).
workspace "$WORK/before" "$DATA/breaking/before"
workspace "$WORK/after" "$DATA/breaking/after"
catches "buf breaking catches a wire and a JSON break, allows a rename (testdata/breaking)" \
  FIELD_WIRE_JSON_COMPATIBLE_TYPE FIELD_SAME_JSON_NAME '!RPC_SAME_RESPONSE_TYPE' -- \
  "$WORK/after" breaking --against ../before

# The working tree's protos against the previous commit's, judged by today's buf.yaml (the
# previous commit may have none). Skipped, saying why, when there is no previous commit to read.
breaking_against_previous() {
  local git=(git -C "$ROOT") why="" rev
  if ! "${git[@]}" rev-parse --git-dir >/dev/null 2>&1; then
    why="not a git checkout"
  elif ! "${git[@]}" rev-parse --verify -q "$AGAINST^{commit}" >/dev/null; then
    if [ "$("${git[@]}" rev-parse --is-shallow-repository)" = true ]; then
      why="shallow clone: $AGAINST is not in it (clone with full history to compare)"
    elif [ "$("${git[@]}" rev-list --count --max-count=2 HEAD 2>/dev/null)" = 1 ]; then
      why="HEAD is the first commit"
    else
      failed=$((failed + 1)); echo "FAIL - buf breaking: no commit $AGAINST"; return
    fi
  elif [ -z "$("${git[@]}" ls-tree -d "$AGAINST" proto)" ]; then
    why="$AGAINST has no proto/ folder"
  fi
  if [ -n "$why" ]; then
    echo "skip - buf breaking against $AGAINST: $why"
    return
  fi
  rev="$("${git[@]}" rev-parse --short "$AGAINST")"
  mkdir -p "$WORK/previous_tree"
  "${git[@]}" archive "$AGAINST" proto | tar -x -C "$WORK/previous_tree"
  workspace "$WORK/previous" "$WORK/previous_tree/proto"
  check "buf breaking (WIRE_JSON, buf.yaml) against $AGAINST ($rev)" \
    buf_in "$WORK/current" breaking --against ../previous
}
breaking_against_previous

finish
