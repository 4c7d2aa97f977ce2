#!/usr/bin/env bash
# What is stated in more than one place agrees: the services and ports of the binaries
# (kIdentity in services/*/main.cc), deploy/dev/up's SERVICES, the chart's values, the compose
# file and the ports table of docs/operations.md; deploy/Dockerfile builds and carries every
# binary with the libraries it links; the chart's policy, alert rules and dashboard are the
# files deploy/ holds (links).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_chartrender
WORK="$(mktemp -d /tmp/ccms-consistency-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

check "binaries, deploy/dev/up, chart, compose and docs list the same services and ports" \
  "$CHARTRENDER" ports --root "$ROOT"

binaries=()
for b in "$BUILD_DIR"/services/*/ccms-* "$BUILD_DIR/tools/ccmsctl/ccmsctl"; do
  [ -f "$b" ] && [ -x "$b" ] && binaries+=(--binary "$b")
done
if ((${#binaries[@]})); then
  check "deploy/Dockerfile, and its runtime packages carry the libraries of $((${#binaries[@]} / 2)) built binaries" \
    "$CHARTRENDER" dockerfile --root "$ROOT" "${binaries[@]}"
  sed 's/ libpqxx-6.4 / /' "$ROOT/deploy/Dockerfile" > "$WORK/Dockerfile.nopqxx"
  refute "caught: a runtime library missing from the image" \
    "$CHARTRENDER" dockerfile --root "$ROOT" --dockerfile "$WORK/Dockerfile.nopqxx" "${binaries[@]}"
else
  check "deploy/Dockerfile (static checks; no built binaries in $BUILD_DIR for the library check)" \
    "$CHARTRENDER" dockerfile --root "$ROOT"
fi
sed 's/^USER .*/USER root/' "$ROOT/deploy/Dockerfile" > "$WORK/Dockerfile.root"
refute "caught: an image that runs as root" \
  "$CHARTRENDER" dockerfile --root "$ROOT" --dockerfile "$WORK/Dockerfile.root"

# A copy of the tree's port statements with the chart's records port changed must fail.
mutant_ports() {
  local m="$WORK/tree"
  rm -rf "$m"
  mkdir -p "$m"
  (cd "$ROOT" && cp --parents CMakeLists.txt services/*/main.cc services/*/CMakeLists.txt deploy/dev/up \
    deploy/docker-compose.yml docs/operations.md charts/ccms/values.yaml "$m/")
  sed -i 's/grpc: 50061/grpc: 50069/' "$m/charts/ccms/values.yaml"
  "$CHARTRENDER" ports --root "$m"
}
refute "caught: the chart's port differing from the binary's" mutant_ports

check "charts/ccms/files/policy.yaml is deploy/policy/default.yaml" \
  cmp "$ROOT/deploy/policy/default.yaml" "$ROOT/charts/ccms/files/policy.yaml"
check "deploy/prometheus/ccms-alerts.yml is the chart's rules file" \
  cmp "$ROOT/deploy/prometheus/ccms-alerts.yml" "$ROOT/charts/ccms/files/ccms-alerts.yml"
check "deploy/grafana/ccms-dashboard.json is the chart's dashboard" \
  cmp "$ROOT/deploy/grafana/ccms-dashboard.json" "$ROOT/charts/ccms/files/ccms-dashboard.json"

finish
