#!/usr/bin/env bash
# yamllint (config tests/deploy/.yamllint) on every YAML file that is not a Helm template: the
# chart's Chart.yaml, values and files, deploy/ (compose, Prometheus, policy), tests/deploy.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WORK="$(mktemp -d /tmp/ccms-lint-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
command -v yamllint >/dev/null || { echo "yamllint is missing (deploy/setup installs it)"; exit 1; }
CONFIG="$ROOT/tests/deploy/.yamllint"

cd "$ROOT" || exit 1
mapfile -t files < <(find charts deploy tests/deploy \( -path charts/ccms/templates -prune \) -o \
  -type f \( -name '*.yaml' -o -name '*.yml' -o -name '.yamllint' \) -print | sort)
mapfile -t links < <(find deploy -type l \( -name '*.yaml' -o -name '*.yml' \) | sort)
check "yamllint on ${#files[@]} files (+${#links[@]} links)" yamllint -s -c "$CONFIG" "${files[@]}" "${links[@]}"
printf 'a: 1\na: 2\nb: [ 1,2 ]   \n' > "$WORK/bad.yaml"
refute "caught: duplicate keys, bad spacing, trailing spaces" yamllint -s -c "$CONFIG" "$WORK/bad.yaml"

finish
