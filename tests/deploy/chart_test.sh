#!/usr/bin/env bash
# The Helm chart, rendered without helm by tools/chartrender (helm's template engine: Go
# text/template + sprig), with default values, with every option on, and with a second service
# block; every document must parse and each service must have all its objects, consistent
# (chartrender check). Broken variants of the chart and of the values must fail the same checks.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_chartrender
WORK="$(mktemp -d /tmp/ccms-chart-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
HERE="$ROOT/tests/deploy"
KINDS=Deployment,Service,ServiceAccount,PodDisruptionBudget,NetworkPolicy,ServiceMonitor,Job,ConfigMap,PrometheusRule
RULES="$ROOT/deploy/prometheus/ccms-alerts.yml"
DASHBOARD="$ROOT/deploy/grafana/ccms-dashboard.json"
CHECK=("$CHARTRENDER" check --require "$KINDS" --rules "$RULES" --dashboard "$DASHBOARD")
LONG_RELEASE=ccms-community-correction-production-city-bureau-01     # 51 characters
OTHER_RELEASE=city-bureau-production-deployment-2026-november-a       # without "ccms"

# Values and the schema.
check "default values meet values.schema.json" "$CHARTRENDER" schema "$CHART"
check "values-all-on.yaml meets the schema" "$CHARTRENDER" schema -f "$HERE/values-all-on.yaml" "$CHART"
check "values-two-services.yaml meets the schema" "$CHARTRENDER" schema -f "$HERE/values-two-services.yaml" "$CHART"
cat > "$WORK/bad-values.yaml" <<'VALUES'
services:
  records:
    ports:
      grpc: "50061"
    replicas: 3
  Bad_Name:
    enabled: true
config:
  logLevel: verbose
VALUES
refute "the schema rejects a string port, an unknown key, a bad service name, a bad log level" \
  "$CHARTRENDER" schema -f "$WORK/bad-values.yaml" "$CHART"
refute "rendering refuses values that break the schema (as helm does)" \
  "$CHARTRENDER" template -f "$WORK/bad-values.yaml" "$CHART"

# The three renders.
check "defaults: every service has all its objects" "${CHECK[@]}" "$CHART"
check "defaults, release name without the chart's: names truncated to 63" \
  "${CHECK[@]}" --release "$OTHER_RELEASE" "$CHART"
check "all options on (51-character release name): objects, HPA, dashboard, Certificates, mTLS" \
  "${CHECK[@]}" --require "$KINDS,HorizontalPodAutoscaler,Certificate" --release "$LONG_RELEASE" \
  -f "$HERE/values-all-on.yaml" "$CHART"
check "a second service block (an existing binary): all its objects" \
  "${CHECK[@]}" -f "$HERE/values-two-services.yaml" "$CHART"

for values in "" values-all-on.yaml values-two-services.yaml; do
  check "strict render, NOTES.txt too (missingkey=error, as helm lint --strict): ${values:-defaults}" \
    "$CHARTRENDER" template --strict --show-notes ${values:+-f "$HERE/$values"} "$CHART"
done

# Adding a service block adds that service's objects (the same kinds as records') and nothing else.
"$CHARTRENDER" objects "$CHART" > "$WORK/one.txt" 2>&1
"$CHARTRENDER" objects -f "$HERE/values-two-services.yaml" "$CHART" > "$WORK/two.txt" 2>&1
only_added() {
  [ -z "$(comm -23 "$WORK/one.txt" "$WORK/two.txt")" ] || { echo "objects disappeared:"; comm -23 "$WORK/one.txt" "$WORK/two.txt"; return 1; }
  comm -13 "$WORK/one.txt" "$WORK/two.txt" > "$WORK/added.txt"
  if grep -v ' archive$' "$WORK/added.txt"; then echo "^ objects added that are not archive's"; return 1; fi
  diff <(awk '$3 == "records" {print $1}' "$WORK/one.txt") <(awk '{print $1}' "$WORK/added.txt")
}
check "adding a service adds its objects and nothing else" only_added

# What the checks are for: broken variants must fail.
# shellcheck disable=SC2016  # the sed expressions hold template text, not shell expansions
mutant() {  # mutant NAME FILE SED-EXPRESSION: a copy of the chart with one template changed
  rm -rf "${WORK:?}/$1"
  cp -rL "$CHART" "$WORK/$1"  # -L: files/policy.yaml is a link out of the chart
  sed -i "$3" "$WORK/$1/templates/$2"
  cmp -s "$CHART/templates/$2" "$WORK/$1/templates/$2" && { echo "mutation $1 changed nothing" >&2; return 1; }
  echo "$WORK/$1"
}
m="$(mutant svc-port service.yaml 's/targetPort: metrics/targetPort: grpc/')" &&
  refute "caught: Service metrics port sent to the grpc port" "${CHECK[@]}" "$m"
m="$(mutant hook migration-job.yaml 's/pre-install,pre-upgrade/post-install/')" &&
  refute "caught: migration Job not run before install and upgrade" "${CHECK[@]}" "$m"
m="$(mutant probe deployment.yaml '0,/"health" "liveness"/s//"health" ""/')" &&
  refute "caught: a probe that does not check its health name" "${CHECK[@]}" "$m"
m="$(mutant readyprobe deployment.yaml 's/"health" "readiness"/"health" "liveness"/')" &&
  refute "caught: a readiness probe that asks liveness (blind to the database)" "${CHECK[@]}" "$m"
m="$(mutant liveprobe deployment.yaml 's/"health" "liveness"/"health" "readiness"/')" &&
  refute "caught: a liveness probe that asks readiness (restarts when the database is away)" "${CHECK[@]}" "$m"
m="$(mutant reflection _helpers.tpl 's/(ternary "true" "false"/(ternary "true" "true"/')" &&
  refute "caught: server reflection on although config.grpcReflection is off" "${CHECK[@]}" "$m"
m="$(mutant selector service.yaml 's/ccms.service.selectorLabels/ccms.service.labels/')" &&
  refute "caught: Service selector differing from the Deployment's" "${CHECK[@]}" "$m"
m="$(mutant callers networkpolicy.yaml 's/{{- range $callers }}/{{- range list }}/')" &&
  refute "caught: records' NetworkPolicy not letting its caller in" "${CHECK[@]}" -f "$HERE/values-two-services.yaml" "$m"
m="$(mutant yaml pdb.yaml 's/^  minAvailable:/ minAvailable:/')" &&
  refute "caught: a document that is not YAML" "${CHECK[@]}" "$m"
m="$(mutant jobsel migration-job.yaml 's/ccms.migration.labels" $ctx | nindent 8/ccms.service.labels" $ctx | nindent 8/')" &&
  refute "caught: migration pods a Service would send traffic to" "${CHECK[@]}" "$m"
# gRPC TLS (values tls.*): on by default; plaintext only when switched off, and said so.
cat > "$WORK/plaintext.yaml" <<'VALUES'
tls:
  enabled: false
VALUES
check "tls.enabled false: kubelet gRPC probes, CCMS_GRPC_ALLOW_PLAINTEXT" "${CHECK[@]}" -f "$WORK/plaintext.yaml" "$CHART"
check "TLS by default: certificate and CA files from the <fullname>-<service>-tls Secret" \
  bash -c '"$1" template "$2" | grep -q "CCMS_GRPC_TLS_CERT_FILE: /var/run/secrets/ccms/tls/server/tls.crt" &&
    "$1" template "$2" | grep -q "secretName: ccms-records-tls"' _ "$CHARTRENDER" "$CHART"
m="$(mutant plainprobe _helpers.tpl 's/{{- if .root.Values.tls.enabled }}/{{- if false }}/')" &&
  refute "caught: a plaintext kubelet gRPC probe against the TLS port" "${CHECK[@]}" "$m"
m="$(mutant tlsrw _helpers.tpl '/mountPath: \/var\/run\/secrets\/ccms\/tls\/server$/{n;s/readOnly: true/readOnly: false/}')" &&
  refute "caught: the certificate Secret mounted writable" "${CHECK[@]}" "$m"
m="$(mutant tlspath _helpers.tpl '0,/tls\/server\/tls.key"/s//tls\/server\/key.pem"/')" &&
  refute "caught: CCMS_GRPC_TLS_KEY_FILE in no item of the mounted Secret" "${CHECK[@]}" "$m"
m="$(mutant plainflag _helpers.tpl 's/"CCMS_GRPC_ALLOW_PLAINTEXT" "true"/"CCMS_GRPC_ALLOW_PLAINTEXT" "false"/')" &&
  refute "caught: tls.enabled false without CCMS_GRPC_ALLOW_PLAINTEXT (the pods would refuse to start)" \
    "${CHECK[@]}" -f "$WORK/plaintext.yaml" "$m"
m="$(mutant jobtls migration-job.yaml 's/ "migration" true }}/ }}/')" &&
  refute "caught: a migration Job that waits for a certificate and listens on 0.0.0.0" "${CHECK[@]}" "$m"
m="$(mutant probecert _helpers.tpl 's/{{- if include "ccms.tls.presentsCert" .root }}$/{{- if false }}/')" &&
  refute "caught: probes without a client certificate where one is required" \
    "${CHECK[@]}" --release "$LONG_RELEASE" -f "$HERE/values-all-on.yaml" "$m"
m="$(mutant certname certificate.yaml '0,/    - {{ $host }}$/s//    - svc-{{ $host }}/')" &&
  refute "caught: a Certificate that does not name its Service" \
    "${CHECK[@]}" --release "$LONG_RELEASE" -f "$HERE/values-all-on.yaml" "$m"
m="$(mutant certsecret certificate.yaml 's/secretName: {{ include "ccms.service.tlsSecret" $ctx }}/secretName: other-tls/')" &&
  refute "caught: a Certificate writing a Secret the pods do not mount" \
    "${CHECK[@]}" --release "$LONG_RELEASE" -f "$HERE/values-all-on.yaml" "$m"
cat > "$WORK/no-issuer.yaml" <<'VALUES'
tls:
  certManager:
    enabled: true
VALUES
refute "caught: cert-manager on without an issuer" "$CHARTRENDER" template -f "$WORK/no-issuer.yaml" "$CHART"
refute "caught: Certificates required but tls.certManager off" \
  "${CHECK[@]}" --require "$KINDS,Certificate" "$CHART"
cat > "$WORK/writable.yaml" <<'VALUES'
containerSecurityContext:
  readOnlyRootFilesystem: false
VALUES
refute "caught: a writable root file system" "${CHECK[@]}" -f "$WORK/writable.yaml" "$CHART"
cat > "$WORK/unknown-callee.yaml" <<'VALUES'
services:
  records:
    calls: [nosuch]
VALUES
refute "caught: calls naming a service that does not exist" "${CHECK[@]}" -f "$WORK/unknown-callee.yaml" "$CHART"
cat > "$WORK/unversioned-policy.yaml" <<'VALUES'
policy:
  document: |
    version: "2026.11-old"
    records:
      intake:
        report_within_days: 10
VALUES
refute "caught: a policy file whose sections list no versions" "${CHECK[@]}" -f "$WORK/unversioned-policy.yaml" "$CHART"
cat > "$WORK/other-rules.yaml" <<'VALUES'
metrics:
  prometheusRule:
    enabled: false
VALUES
refute "caught: no PrometheusRule although it is required" "${CHECK[@]}" -f "$WORK/other-rules.yaml" "$CHART"

finish
