#!/usr/bin/env bash
# The alert rules and the dev scrape config, with promtool: the rules parse, their unit tests
# (alerts_test.yml) pass, every alert has a severity, summary, description and a runbook section
# in docs/operations.md; the dev config and the dashboard's queries parse. Mutants must fail.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_chartrender
WORK="$(mktemp -d /tmp/ccms-rules-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
RULES="$ROOT/deploy/prometheus/ccms-alerts.yml"
command -v promtool >/dev/null || { echo "promtool is missing (Debian package prometheus; deploy/setup installs it)"; exit 1; }

check "promtool check rules deploy/prometheus/ccms-alerts.yml" promtool check rules "$RULES"
check "promtool test rules tests/deploy/alerts_test.yml" promtool test rules "$ROOT/tests/deploy/alerts_test.yml"
check "every alert has severity, summary, description and a runbook section" \
  "$CHARTRENDER" alert-docs --rules "$RULES" --doc "$ROOT/docs/operations.md"
check "promtool check config deploy/prometheus/prometheus-dev.yml" \
  promtool check config "$ROOT/deploy/prometheus/prometheus-dev.yml"
dashboard_queries() {
  "$CHARTRENDER" dashboard-rules "$ROOT/deploy/grafana/ccms-dashboard.json" > "$WORK/dashboard-rules.yml" &&
    promtool check rules "$WORK/dashboard-rules.yml"
}
check "every dashboard query parses (promtool)" dashboard_queries

# Mutants: a threshold changed without its test, a runbook section gone, a broken query.
mkdir -p "$WORK/m/deploy/prometheus" "$WORK/m/tests/deploy"
sed 's/) > 0.05$/) > 0.5/' "$RULES" > "$WORK/m/deploy/prometheus/ccms-alerts.yml"
cp "$ROOT/tests/deploy/alerts_test.yml" "$WORK/m/tests/deploy/"
refute "caught: an error-ratio threshold changed without its test" \
  promtool test rules "$WORK/m/tests/deploy/alerts_test.yml"
sed '/^### CcmsOutboxStalled/d' "$ROOT/docs/operations.md" > "$WORK/operations.md"
refute "caught: an alert without its runbook section" \
  "$CHARTRENDER" alert-docs --rules "$RULES" --doc "$WORK/operations.md"
sed 's/max by (consumer) (ccms_consumer_lag)/max by (consumer) (ccms_consumer_lag/' "$RULES" > "$WORK/broken.yml"
refute "caught: an expression that does not parse" promtool check rules "$WORK/broken.yml"

finish
