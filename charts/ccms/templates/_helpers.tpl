{{/*
Names and labels, in the style of `helm create` and Bitnami. Every name is truncated to 63
characters (the Kubernetes limit for names that become DNS labels and for label values).
Objects of one service are named <fullname>-<service>[<suffix>] and carry
app.kubernetes.io/name=<chart>-<service>; selectors use name and instance only.
*/}}

{{/* The chart's name (nameOverride wins). */}}
{{- define "ccms.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release-wide name prefix: <release>-<chart>, or the release name when it holds the chart's name. */}}
{{- define "ccms.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* helm.sh/chart label value. */}}
{{- define "ccms.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries (besides name and instance). Takes the root context. */}}
{{- define "ccms.commonLabels" -}}
helm.sh/chart: {{ include "ccms.chart" . }}
app.kubernetes.io/part-of: {{ include "ccms.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of release-wide objects (policy, alert rules, dashboard): dict "root" $ "component" "policy". */}}
{{- define "ccms.labels" -}}
app.kubernetes.io/name: {{ include "ccms.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{ include "ccms.commonLabels" .root }}
{{- end }}

{{/*
The services to deploy: the enabled blocks of .Values.services, each laid over
.Values.serviceDefaults, as YAML (use with fromYaml). Range over it in every per-service template:
  {{- range $name, $svc := include "ccms.services" . | fromYaml }}
A service that does not set `enabled: true` is not deployed.
*/}}
{{- define "ccms.services" -}}
{{- $out := dict }}
{{- range $name, $block := .Values.services }}
{{- if and $block (eq (toString $block.enabled) "true") }}
{{- $svc := mustMergeOverwrite (deepCopy $.Values.serviceDefaults) (deepCopy $block) }}
{{- range $callee := $svc.calls }}
{{- if not (hasKey $.Values.services $callee) }}
{{- fail (printf "services.%s.calls names %q, which is not a block of services" $name $callee) }}
{{- end }}
{{- end }}
{{- $_ := set $out $name $svc }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
Name of one service's object: dict "root" $ "name" "records" ["suffix" "-migrate"]. Only the
release prefix is truncated, so the service's name and the suffix always survive and two
services' objects never collide (service names are at most 20 characters: values.schema.json).
*/}}
{{- define "ccms.service.fullname" -}}
{{- $tail := printf "-%s%s" .name (get . "suffix") }}
{{- printf "%s%s" (include "ccms.fullname" .root | trunc (int (sub 63 (len $tail))) | trimSuffix "-") $tail }}
{{- end }}

{{/* app.kubernetes.io/name of one service: <chart>-<service> (the chart's name truncated first). */}}
{{- define "ccms.service.name" -}}
{{- $tail := printf "-%s%s" .name (get . "suffix") }}
{{- printf "%s%s" (include "ccms.name" .root | trunc (int (sub 63 (len $tail))) | trimSuffix "-") $tail }}
{{- end }}

{{/* Selector labels of one service's pods: name and instance only. */}}
{{- define "ccms.service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ccms.service.name" . }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* All labels of one service's objects. */}}
{{- define "ccms.service.labels" -}}
{{ include "ccms.service.selectorLabels" . }}
app.kubernetes.io/component: {{ .name }}
{{ include "ccms.commonLabels" .root }}
{{- end }}

{{/* Labels of one service's migration Job pods: a name of their own, so no Service selects them. */}}
{{- define "ccms.migration.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ccms.service.name" (dict "root" .root "name" .name "suffix" "-migration") }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{- define "ccms.migration.labels" -}}
{{ include "ccms.migration.selectorLabels" . }}
app.kubernetes.io/component: {{ .name }}
{{ include "ccms.commonLabels" .root }}
{{- end }}

{{/* The image reference: registry/repository:tag or @digest; the tag defaults to the chart's appVersion. */}}
{{- define "ccms.image" -}}
{{- $repo := .Values.image.repository }}
{{- with .Values.image.registry }}{{ $repo = printf "%s/%s" . $repo }}{{ end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding one service's PostgreSQL DSN (database.secretName, else <fullname>-<service>-db). */}}
{{- define "ccms.service.dbSecret" -}}
{{- default (include "ccms.service.fullname" (dict "root" .root "name" .name "suffix" "-db")) .svc.database.secretName }}
{{- end }}

{{/* Name of the Secret holding one service's migration-role DSN, mounted by the migration Job only (database.migrationSecretName, else <fullname>-<service>-db-migration). */}}
{{- define "ccms.service.dbMigrationSecret" -}}
{{- default (include "ccms.service.fullname" (dict "root" .root "name" .name "suffix" "-db-migration")) .svc.database.migrationSecretName }}
{{- end }}

{{/*
The CCMS_* environment of one service (dict "root" $ "name" … "svc" …), as YAML: the env
ConfigMap's data and, inline, the migration Job's env (a pre-install hook runs before the
ConfigMap exists). Secrets are files mounted from existing Secrets (CCMS_*_FILE).
*/}}
{{- define "ccms.service.env" -}}
{{- $env := dict }}
{{- range $k, $v := .root.Values.config.env }}{{ $_ := set $env $k (toString $v) }}{{ end }}
{{- range $k, $v := .svc.env }}{{ $_ := set $env $k (toString $v) }}{{ end }}
{{- $_ := set $env "CCMS_GRPC_LISTEN" (printf "0.0.0.0:%d" (int .svc.ports.grpc)) }}
{{- $_ := set $env "CCMS_METRICS_LISTEN" (printf "0.0.0.0:%d" (int .svc.ports.metrics)) }}
{{- $_ := set $env "CCMS_KAFKA_BOOTSTRAP" (required "kafka.bootstrapServers is required" .root.Values.kafka.bootstrapServers) }}
{{- with .root.Values.config.jwtIssuer }}{{ $_ := set $env "CCMS_JWT_ISSUER" . }}{{ end }}
{{- $_ := set $env "CCMS_LOG_LEVEL" .root.Values.config.logLevel }}
{{- $_ := set $env "CCMS_GRPC_REFLECTION" (ternary "true" "false" (eq (toString .root.Values.config.grpcReflection) "true")) }}
{{- $_ := set $env "CCMS_READINESS_BROKER_GRACE_MS" (printf "%d" (mul (int .root.Values.config.readinessBrokerGraceSeconds) 1000)) }}
{{- $_ := set $env "CCMS_DB_DSN_FILE" "/var/run/secrets/ccms/db/dsn" }}
{{- $_ := set $env "CCMS_JWT_KEYS_FILE" "/var/run/secrets/ccms/jwt/key" }}
{{- if .svc.piiKey }}{{ $_ := set $env "CCMS_PII_KEY_FILE" "/var/run/secrets/ccms/pii/key" }}{{ end }}
{{- /* Kafka security (kafka.security): TLS files and the SASL password from existing Secrets. */}}
{{- $ks := .root.Values.kafka.security | default dict }}
{{- $protocol := $ks.protocol | default "plaintext" }}
{{- $_ := set $env "CCMS_KAFKA_SECURITY_PROTOCOL" $protocol }}
{{- if or (eq $protocol "ssl") (eq $protocol "sasl_ssl") }}
{{- $_ := set $env "CCMS_KAFKA_SSL_CA_FILE" "/var/run/secrets/ccms/kafka-tls/ca.crt" }}
{{- if $ks.tls.certKey }}
{{- $_ := set $env "CCMS_KAFKA_SSL_CERT_FILE" "/var/run/secrets/ccms/kafka-tls/tls.crt" }}
{{- $_ := set $env "CCMS_KAFKA_SSL_KEY_FILE" "/var/run/secrets/ccms/kafka-tls/tls.key" }}
{{- end }}
{{- if $ks.tls.keyPasswordKey }}{{ $_ := set $env "CCMS_KAFKA_SSL_KEY_PASSWORD_FILE" "/var/run/secrets/ccms/kafka-tls/key-password" }}{{ end }}
{{- end }}
{{- if or (eq $protocol "sasl_plaintext") (eq $protocol "sasl_ssl") }}
{{- $_ := set $env "CCMS_KAFKA_SASL_MECHANISM" $ks.sasl.mechanism }}
{{- $_ := set $env "CCMS_KAFKA_SASL_USERNAME" (required "kafka.security.sasl.username is required for sasl_*" $ks.sasl.username) }}
{{- $_ := set $env "CCMS_KAFKA_SASL_PASSWORD_FILE" "/var/run/secrets/ccms/kafka-sasl/password" }}
{{- end }}
{{- /* Each service it calls: CCMS_<CALLEE>_ADDR, and its own service token to call with. */}}
{{- range $callee := .svc.calls }}
{{- $block := index $.root.Values.services $callee }}
{{- $_ := set $env (printf "CCMS_%s_ADDR" ($callee | upper | replace "-" "_")) (printf "%s:%d" (include "ccms.service.fullname" (dict "root" $.root "name" $callee)) (int $block.ports.grpc)) }}
{{- end }}
{{- if .svc.calls }}{{ $_ := set $env "CCMS_SERVICE_TOKEN_FILE" "/var/run/secrets/ccms/service-token/token" }}{{ end }}
{{- /* gRPC TLS (values tls.*). The migration Job never listens: it gets a loopback address and no
certificate (a pre-install hook runs before cert-manager has written the Secrets). */}}
{{- $tls := .root.Values.tls }}
{{- if get . "migration" }}
{{- $_ := set $env "CCMS_GRPC_LISTEN" (printf "127.0.0.1:%d" (int .svc.ports.grpc)) }}
{{- else if $tls.enabled }}
{{- $_ := set $env "CCMS_GRPC_TLS_CERT_FILE" "/var/run/secrets/ccms/tls/server/tls.crt" }}
{{- $_ := set $env "CCMS_GRPC_TLS_KEY_FILE" "/var/run/secrets/ccms/tls/server/tls.key" }}
{{- $_ := set $env "CCMS_GRPC_CA_FILE" (include "ccms.tls.caFile" .root) }}
{{- with $tls.clientCa.secretName }}{{ $_ := set $env "CCMS_GRPC_TLS_CLIENT_CA_FILE" "/var/run/secrets/ccms/tls/client-ca/ca.crt" }}{{ end }}
{{- with $tls.partnerCa.secretName }}{{ $_ := set $env "CCMS_GRPC_TLS_PARTNER_CA_FILE" "/var/run/secrets/ccms/tls/partner-ca/ca.crt" }}{{ end }}
{{- $_ := set $env "CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT" (ternary "true" "false" (eq (toString $tls.requireClientCert) "true")) }}
{{- if include "ccms.tls.presentsCert" .root }}
{{- $_ := set $env "CCMS_GRPC_CLIENT_CERT_FILE" "/var/run/secrets/ccms/tls/server/tls.crt" }}
{{- $_ := set $env "CCMS_GRPC_CLIENT_KEY_FILE" "/var/run/secrets/ccms/tls/server/tls.key" }}
{{- end }}
{{- else }}
{{- $_ := set $env "CCMS_GRPC_ALLOW_PLAINTEXT" "true" }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/* Volumes of one service's secrets (existing Secrets named in values), and /tmp. */}}
{{- define "ccms.service.secretVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
- name: db
  secret:
    secretName: {{ include "ccms.service.dbSecret" . }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ .svc.database.secretKey }}
        path: dsn
- name: jwt
  secret:
    secretName: {{ required "secrets.jwtKey.secretName is required" .root.Values.secrets.jwtKey.secretName }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ .root.Values.secrets.jwtKey.secretKey }}
        path: key
{{- if .svc.piiKey }}
- name: pii
  secret:
    secretName: {{ required "secrets.piiKey.secretName is required" .root.Values.secrets.piiKey.secretName }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ .root.Values.secrets.piiKey.secretKey }}
        path: key
{{- end }}
{{- if .svc.calls }}
- name: service-token
  secret:
    secretName: {{ include "ccms.service.tokenSecret" . }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ .svc.serviceToken.secretKey }}
        path: token
{{- end }}
{{- $tls := .root.Values.tls }}
{{- if and $tls.enabled (not (get . "migration")) }}
- name: tls-server
  secret:
    secretName: {{ include "ccms.service.tlsSecret" . }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ $tls.server.certKey }}
        path: tls.crt
      - key: {{ $tls.server.keyKey }}
        path: tls.key
      {{- if not $tls.ca.secretName }}
      - key: {{ $tls.ca.secretKey }}
        path: ca.crt
      {{- end }}
{{- range $vol := list (list "ca" $tls.ca) (list "client-ca" $tls.clientCa) (list "partner-ca" $tls.partnerCa) }}
{{- with index $vol 1 }}{{ if .secretName }}
- name: tls-{{ index $vol 0 }}
  secret:
    secretName: {{ .secretName }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ .secretKey }}
        path: ca.crt
{{- end }}{{ end }}
{{- end }}
{{- end }}
{{- $ks := .root.Values.kafka.security | default dict }}
{{- $protocol := $ks.protocol | default "plaintext" }}
{{- if or (eq $protocol "ssl") (eq $protocol "sasl_ssl") }}
- name: kafka-tls
  secret:
    secretName: {{ required "kafka.security.tls.secretName is required for ssl and sasl_ssl" $ks.tls.secretName }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ $ks.tls.caKey }}
        path: ca.crt
      {{- if $ks.tls.certKey }}
      - key: {{ $ks.tls.certKey }}
        path: tls.crt
      - key: {{ required "kafka.security.tls.keyKey is required with certKey" $ks.tls.keyKey }}
        path: tls.key
      {{- end }}
      {{- if $ks.tls.keyPasswordKey }}
      - key: {{ $ks.tls.keyPasswordKey }}
        path: key-password
      {{- end }}
{{- end }}
{{- if or (eq $protocol "sasl_plaintext") (eq $protocol "sasl_ssl") }}
- name: kafka-sasl
  secret:
    secretName: {{ required "kafka.security.sasl.secretName is required for sasl_*" $ks.sasl.secretName }}
    defaultMode: 288  # 0440: owner and group (fsGroup) read
    items:
      - key: {{ $ks.sasl.passwordKey }}
        path: password
{{- end }}
{{- end }}

{{/* Name of the Secret holding the token a service calls others with (serviceToken.secretName, else <fullname>-<service>-token). */}}
{{- define "ccms.service.tokenSecret" -}}
{{- default (include "ccms.service.fullname" (dict "root" .root "name" .name "suffix" "-token")) .svc.serviceToken.secretName }}
{{- end }}

{{- define "ccms.service.secretMounts" -}}
- name: tmp
  mountPath: /tmp
- name: db
  mountPath: /var/run/secrets/ccms/db
  readOnly: true
- name: jwt
  mountPath: /var/run/secrets/ccms/jwt
  readOnly: true
{{- if .svc.piiKey }}
- name: pii
  mountPath: /var/run/secrets/ccms/pii
  readOnly: true
{{- end }}
{{- if .svc.calls }}
- name: service-token
  mountPath: /var/run/secrets/ccms/service-token
  readOnly: true
{{- end }}
{{- $tls := .root.Values.tls }}
{{- if and $tls.enabled (not (get . "migration")) }}
- name: tls-server
  mountPath: /var/run/secrets/ccms/tls/server
  readOnly: true
{{- range $vol := list (list "ca" $tls.ca) (list "client-ca" $tls.clientCa) (list "partner-ca" $tls.partnerCa) }}
{{- if (index $vol 1).secretName }}
- name: tls-{{ index $vol 0 }}
  mountPath: /var/run/secrets/ccms/tls/{{ index $vol 0 }}
  readOnly: true
{{- end }}
{{- end }}
{{- end }}
{{- $protocol := (.root.Values.kafka.security | default dict).protocol | default "plaintext" }}
{{- if or (eq $protocol "ssl") (eq $protocol "sasl_ssl") }}
- name: kafka-tls
  mountPath: /var/run/secrets/ccms/kafka-tls
  readOnly: true
{{- end }}
{{- if or (eq $protocol "sasl_plaintext") (eq $protocol "sasl_ssl") }}
- name: kafka-sasl
  mountPath: /var/run/secrets/ccms/kafka-sasl
  readOnly: true
{{- end }}
{{- end }}

{{/* Name of the Secret with one service's TLS certificate and key (tls.server.secretName, else <fullname>-<service>-tls). */}}
{{- define "ccms.service.tlsSecret" -}}
{{- default (include "ccms.service.fullname" (dict "root" .root "name" .name "suffix" "-tls")) .root.Values.tls.server.secretName }}
{{- end }}

{{/* Where the pods find the CA they verify the services' certificates with (tls.ca, else the server Secret's ca.crt). Takes the root context. */}}
{{- define "ccms.tls.caFile" -}}
{{- if .Values.tls.ca.secretName }}/var/run/secrets/ccms/tls/ca/ca.crt{{ else }}/var/run/secrets/ccms/tls/server/ca.crt{{ end }}
{{- end }}

{{/* "true" when the services (and their probes) present their own certificate as a client certificate. Takes the root context. */}}
{{- define "ccms.tls.presentsCert" -}}
{{- if and .Values.tls.enabled (or .Values.tls.requireClientCert .Values.tls.serviceClientCert) }}true{{ end }}
{{- end }}

{{/*
One gRPC probe of a service: dict "root" $ "name" … "svc" … "health" "liveness"|"readiness" "probe"
(its timing). Kubernetes' own gRPC probe speaks plaintext only, so with TLS the probe is
`ccmsctl health` (in the image) over TLS to the pod's own port, checking the certificate against
the CA under the service's name.
*/}}
{{- define "ccms.service.probe" -}}
{{- if .root.Values.tls.enabled }}
exec:
  command:
    - /usr/local/bin/ccmsctl
    - health
    - --addr=127.0.0.1:{{ int .svc.ports.grpc }}
    - --service={{ .health }}
    - --timeout={{ default 1 (get .probe "timeoutSeconds") }}
    - --ca-file={{ include "ccms.tls.caFile" .root }}
    - --server-name={{ include "ccms.service.fullname" (dict "root" .root "name" .name) }}
    {{- if include "ccms.tls.presentsCert" .root }}
    - --cert-file=/var/run/secrets/ccms/tls/server/tls.crt
    - --key-file=/var/run/secrets/ccms/tls/server/tls.key
    {{- end }}
{{- else }}
grpc:
  port: {{ int .svc.ports.grpc }}
  service: {{ .health }}
{{- end }}
{{- end }}

{{/* The policy document shipped in the policy ConfigMap: policy.document, else the chart's files/policy.yaml. */}}
{{- define "ccms.policy.document" -}}
{{- $doc := default (.Files.Get "files/policy.yaml") .Values.policy.document }}
{{- if not (trim $doc) }}
{{- fail "policy.document is empty and the chart has no files/policy.yaml" }}
{{- end }}
{{- $doc }}
{{- end }}

{{/* Name of the policy ConfigMap (one per release, mounted by every service). */}}
{{- define "ccms.policy.configMapName" -}}
{{- printf "%s-policy" (include "ccms.fullname" . | trunc 56 | trimSuffix "-") }}
{{- end }}

{{/* NetworkPolicy egress rules every ccms pod needs: DNS, PostgreSQL, Kafka. Takes the root context. */}}
{{- define "ccms.networkPolicy.infraEgress" -}}
{{- $np := .Values.networkPolicy -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with $np.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- range $peer := list $np.postgresql $np.kafka }}
- ports:
    {{- range $peer.ports }}
    - port: {{ int . }}
      protocol: TCP
    {{- end }}
  {{- with $peer.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
