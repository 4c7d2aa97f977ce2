package main

// Structural checks of a rendered chart: every enabled service has its objects, and their
// labels, selectors, ports, probes, security settings and references agree.

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Obj is one rendered Kubernetes object.
type Obj map[string]interface{}

func (o Obj) kind() string { return str(o["kind"]) }
func (o Obj) name() string { return str(dig(o, "metadata", "name")) }
func (o Obj) id() string   { return o.kind() + "/" + o.name() }
func (o Obj) labels() map[string]string {
	return strMap(dig(o, "metadata", "labels"))
}
func (o Obj) annotations() map[string]string {
	return strMap(dig(o, "metadata", "annotations"))
}

func dig(v interface{}, keys ...string) interface{} {
	if o, ok := v.(Obj); ok {
		v = map[string]interface{}(o)
	}
	for _, k := range keys {
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v interface{}) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func asMap(v interface{}) map[string]interface{} {
	if o, ok := v.(Obj); ok {
		return o
	}
	m, _ := v.(map[string]interface{})
	return m
}

func asList(v interface{}) []interface{} {
	l, _ := v.([]interface{})
	return l
}

func strMap(v interface{}) map[string]string {
	out := map[string]string{}
	for k, e := range asMap(v) {
		out[k] = str(e)
	}
	return out
}

func num(v interface{}) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

func isTrue(v interface{}) bool { b, ok := v.(bool); return ok && b }

// subset reports whether every label of sel is in labels (an empty selector selects nothing here).
func subset(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// CheckOptions say what a render must contain beyond what the values switch on.
type CheckOptions struct {
	ExpectServices []string
	RequireKinds   []string
	RulesFile      string
	DashboardFile  string
}

var (
	dnsLabel   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	labelValue = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
)

// serviceSettings returns the enabled services, each block laid over serviceDefaults.
func serviceSettings(values map[string]interface{}) map[string]map[string]interface{} {
	out := map[string]map[string]interface{}{}
	for name, raw := range asMap(values["services"]) {
		block := asMap(raw)
		if !isTrue(block["enabled"]) {
			continue
		}
		merged := coalesce(deepCopyJSON(asMap(values["serviceDefaults"])), deepCopyJSON(block))
		out[name] = merged
	}
	return out
}

type checker struct {
	problems  []string
	release   string
	namespace string
}

func (c *checker) fail(format string, args ...interface{}) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// CheckChart renders the chart and checks it; it returns the problems and a short summary.
func CheckChart(chart *Chart, opt RenderOptions, copt CheckOptions) ([]string, string) {
	c := &checker{release: opt.ReleaseName, namespace: opt.Namespace}
	values, err := chart.MergedValues(opt.ValueFiles)
	if err != nil {
		return []string{err.Error()}, ""
	}
	objs, docs, err := renderObjects(chart, opt)
	if err != nil {
		return []string{err.Error()}, ""
	}
	var summary strings.Builder
	fmt.Fprintf(&summary, "rendered %d documents, all parsed as YAML\n", len(docs))

	c.checkEveryObject(objs)

	services := serviceSettings(values)
	var names []string
	for name := range services {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(copt.ExpectServices) > 0 {
		want := append([]string(nil), copt.ExpectServices...)
		sort.Strings(want)
		if strings.Join(want, ",") != strings.Join(names, ",") {
			c.fail("enabled services are [%s], expected [%s]", strings.Join(names, ","), strings.Join(want, ","))
		}
	}
	if len(names) == 0 {
		c.fail("no service is enabled")
	}
	required := map[string]bool{}
	for _, k := range copt.RequireKinds {
		required[k] = true
	}
	toggles := map[string]bool{
		"PodDisruptionBudget": isTrue(dig(values, "pdb", "enabled")) || required["PodDisruptionBudget"],
		"NetworkPolicy":       isTrue(dig(values, "networkPolicy", "enabled")) || required["NetworkPolicy"],
		"ServiceMonitor":      isTrue(dig(values, "metrics", "serviceMonitor", "enabled")) || required["ServiceMonitor"],
	}
	policyCM := c.checkPolicy(objs, values)
	for _, name := range names {
		kinds := c.checkService(name, services[name], services, objs, values, toggles, required, policyCM)
		fmt.Fprintf(&summary, "service %s: %s\n", name, strings.Join(kinds, ", "))
	}
	c.checkRules(objs, values, required, copt.RulesFile, &summary)
	c.checkDashboard(objs, values, copt.DashboardFile, &summary)
	return c.problems, summary.String()
}

func (c *checker) checkEveryObject(objs []Obj) {
	seen := map[string]bool{}
	for _, o := range objs {
		where := fmt.Sprintf("%s (%s)", o.id(), o["__source"])
		if str(o["apiVersion"]) == "" || o.kind() == "" || o.name() == "" {
			c.fail("%s: apiVersion, kind and metadata.name are required", where)
			continue
		}
		if seen[o.id()] {
			c.fail("%s: rendered twice", where)
		}
		seen[o.id()] = true
		if len(o.name()) > 63 {
			c.fail("%s: name is %d characters (at most 63)", where, len(o.name()))
		}
		if !dnsLabel.MatchString(o.name()) {
			c.fail("%s: name is not a DNS label", where)
		}
		labels := o.labels()
		for k, v := range labels {
			if len(v) > 63 || !labelValue.MatchString(v) {
				c.fail("%s: label %s=%q is not a valid label value", where, k, v)
			}
		}
		for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "helm.sh/chart"} {
			if labels[k] == "" {
				c.fail("%s: label %s is missing", where, k)
			}
		}
		if labels["app.kubernetes.io/instance"] != "" && labels["app.kubernetes.io/instance"] != c.release {
			c.fail("%s: app.kubernetes.io/instance is %q, not the release %q", where, labels["app.kubernetes.io/instance"], c.release)
		}
		if ns := str(dig(o, "metadata", "namespace")); ns == "" {
			c.fail("%s: metadata.namespace is not set", where)
		}
	}
}

func (c *checker) checkPolicy(objs []Obj, values map[string]interface{}) Obj {
	var found []Obj
	for _, o := range objs {
		if o.kind() == "ConfigMap" && o.labels()["app.kubernetes.io/component"] == "policy" {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		c.fail("expected one policy ConfigMap, found %d", len(found))
		return nil
	}
	doc := str(dig(found[0], "data", "policy.yaml"))
	var parsed map[string]interface{}
	if err := yaml.Unmarshal([]byte(doc), &parsed); err != nil {
		c.fail("policy ConfigMap: policy.yaml is not YAML: %v", err)
	} else {
		// One section per service, each a list of versions with a name and the day it takes effect.
		for _, section := range []string{"records", "assessment", "education", "employment"} {
			versions, _ := dig(parsed, section, "versions").([]interface{})
			if len(versions) == 0 {
				c.fail("policy ConfigMap: policy.yaml has no %s.versions", section)
			}
			for i, v := range versions {
				if str(dig(v, "version")) == "" || str(dig(v, "effective_from")) == "" {
					c.fail("policy ConfigMap: policy.yaml %s.versions[%d] needs version and effective_from", section, i)
				}
			}
		}
	}
	return found[0]
}

func selectorOf(o Obj, path ...string) map[string]string { return strMap(dig(o, path...)) }

func (c *checker) one(objs []Obj, kind, what string) Obj {
	var found []Obj
	for _, o := range objs {
		if o.kind() == kind {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		c.fail("%s: expected one %s, found %d", what, kind, len(found))
		return nil
	}
	return found[0]
}

func portMatches(p interface{}, name string, number int) bool {
	if s, ok := p.(string); ok {
		return s == name
	}
	n, ok := num(p)
	return ok && n == number
}

func (c *checker) checkService(name string, svc map[string]interface{}, services map[string]map[string]interface{},
	objs []Obj, values map[string]interface{}, toggles, required map[string]bool, policyCM Obj) []string {
	what := "service " + name
	var own []Obj
	kinds := map[string]int{}
	for _, o := range objs {
		if o.labels()["app.kubernetes.io/component"] == name {
			own = append(own, o)
			kinds[o.kind()]++
		}
	}
	grpcPort, _ := num(dig(svc, "ports", "grpc"))
	metricsPort, _ := num(dig(svc, "ports", "metrics"))
	binary := str(svc["binary"])
	grpcService := str(svc["grpcService"])
	if grpcPort == 0 || metricsPort == 0 || binary == "" || grpcService == "" {
		c.fail("%s: values need binary, grpcService, ports.grpc and ports.metrics", what)
	}
	for kind := range required {
		if kind == "PrometheusRule" {
			continue
		}
		if kinds[kind] == 0 {
			c.fail("%s: no %s rendered", what, kind)
		}
	}

	// Deployment.
	dep := c.one(own, "Deployment", what)
	if dep == nil {
		return nil
	}
	sel := selectorOf(dep, "spec", "selector", "matchLabels")
	if len(sel) != 2 || sel["app.kubernetes.io/name"] == "" || sel["app.kubernetes.io/instance"] != c.release {
		c.fail("%s: Deployment selector must be app.kubernetes.io/name and instance only, is %v", what, sel)
	}
	podLabels := selectorOf(dep, "spec", "template", "metadata", "labels")
	if !subset(sel, podLabels) {
		c.fail("%s: Deployment selector %v does not select its pod labels %v", what, sel, podLabels)
	}
	autoscaled := isTrue(dig(svc, "autoscaling", "enabled"))
	if _, has := asMap(dig(dep, "spec"))["replicas"]; has == autoscaled {
		c.fail("%s: Deployment replicas must be set exactly when autoscaling is off", what)
	}
	pod := asMap(dig(dep, "spec", "template", "spec"))
	containers := asList(pod["containers"])
	if len(containers) != 1 {
		c.fail("%s: Deployment must have one container, has %d", what, len(containers))
		return nil
	}
	ctr := asMap(containers[0])
	c.checkHardening(what+" Deployment", pod, ctr)
	if cmd := asList(ctr["command"]); len(cmd) == 0 || str(cmd[0]) != "/usr/local/bin/"+binary {
		c.fail("%s: Deployment command must run /usr/local/bin/%s, is %v", what, binary, ctr["command"])
	}
	ports := map[string]int{}
	for _, p := range asList(ctr["ports"]) {
		n, _ := num(dig(p, "containerPort"))
		ports[str(dig(p, "name"))] = n
	}
	if ports["grpc"] != grpcPort || ports["metrics"] != metricsPort {
		c.fail("%s: container ports %v, values say grpc %d metrics %d", what, ports, grpcPort, metricsPort)
	}
	// The health names of common/server/service_host.h: readiness follows PostgreSQL and Kafka,
	// liveness (and startup) only the process.
	for _, probe := range []struct{ field, health string }{
		{"readinessProbe", "readiness"}, {"livenessProbe", "liveness"}, {"startupProbe", "liveness"},
	} {
		p := asMap(ctr[probe.field])
		if p == nil && probe.field == "startupProbe" {
			continue
		}
		c.checkProbe(what, probe.field, probe.health, p, grpcPort, dep.name(), values)
	}
	if str(dig(ctr, "resources", "requests", "cpu")) == "" || str(dig(ctr, "resources", "requests", "memory")) == "" ||
		str(dig(ctr, "resources", "limits", "memory")) == "" {
		c.fail("%s: resources need cpu and memory requests and a memory limit", what)
	}
	sa := c.one(own, "ServiceAccount", what)
	if sa != nil {
		if str(pod["serviceAccountName"]) != sa.name() {
			c.fail("%s: Deployment runs as %q, its ServiceAccount is %q", what, pod["serviceAccountName"], sa.name())
		}
		if sa["automountServiceAccountToken"] != false {
			c.fail("%s: ServiceAccount must not automount a token", what)
		}
	}
	// Environment: a ConfigMap, and secrets as files from the existing Secrets named in values.
	env := map[string]string{}
	for _, ref := range asList(ctr["envFrom"]) {
		cmName := str(dig(ref, "configMapRef", "name"))
		var cm Obj
		for _, o := range objs {
			if o.kind() == "ConfigMap" && o.name() == cmName {
				cm = o
			}
		}
		if cm == nil {
			c.fail("%s: envFrom names ConfigMap %q, which is not rendered", what, cmName)
			continue
		}
		for k, v := range strMap(cm["data"]) {
			env[k] = v
		}
	}
	for _, e := range asList(ctr["env"]) {
		env[str(dig(e, "name"))] = str(dig(e, "value"))
	}
	c.checkEnv(what+" Deployment", env, svc, values, grpcPort, metricsPort)
	c.checkSecretFiles(what+" Deployment", env, pod, ctr, svc, values, name)
	c.checkTLS(what+" Deployment", env, pod, ctr, values, name)
	c.checkCertificate(what, own, values, name, env, pod, ctr)
	if policyCM != nil {
		mounted := false
		for _, v := range asList(pod["volumes"]) {
			if str(dig(v, "configMap", "name")) == policyCM.name() {
				for _, m := range asList(ctr["volumeMounts"]) {
					if str(dig(m, "name")) == str(dig(v, "name")) &&
						strings.HasPrefix(env["CCMS_POLICY_FILE"], str(dig(m, "mountPath"))+"/") {
						mounted = true
					}
				}
			}
		}
		if !mounted {
			c.fail("%s: the policy ConfigMap %s is not mounted where CCMS_POLICY_FILE (%q) points", what, policyCM.name(), env["CCMS_POLICY_FILE"])
		}
	}

	// Service.
	if s := c.one(own, "Service", what); s != nil {
		if !reflect.DeepEqual(selectorOf(s, "spec", "selector"), sel) {
			c.fail("%s: Service selector %v differs from the Deployment's %v", what, selectorOf(s, "spec", "selector"), sel)
		}
		got := map[string]bool{}
		for _, p := range asList(dig(s, "spec", "ports")) {
			pname := str(dig(p, "name"))
			pn, _ := num(dig(p, "port"))
			want := map[string]int{"grpc": grpcPort, "metrics": metricsPort}[pname]
			if want == 0 || pn != want || !portMatches(dig(p, "targetPort"), pname, want) {
				c.fail("%s: Service port %s (%v → %v) does not match the container's", what, pname, dig(p, "port"), dig(p, "targetPort"))
			}
			got[pname] = true
		}
		if !got["grpc"] || !got["metrics"] {
			c.fail("%s: Service needs ports named grpc and metrics", what)
		}
		// The ServiceMonitor selects this Service and no other.
		if toggles["ServiceMonitor"] {
			if sm := c.one(own, "ServiceMonitor", what); sm != nil {
				smSel := selectorOf(sm, "spec", "selector", "matchLabels")
				for _, o := range objs {
					if o.kind() == "Service" && subset(smSel, o.labels()) != (o.name() == s.name()) {
						c.fail("%s: ServiceMonitor selector %v and Service %s disagree", what, smSel, o.name())
					}
				}
				hasMetrics := false
				for _, ep := range asList(dig(sm, "spec", "endpoints")) {
					hasMetrics = hasMetrics || str(dig(ep, "port")) == "metrics"
				}
				if !hasMetrics {
					c.fail("%s: ServiceMonitor does not scrape the port named metrics", what)
				}
			}
		}
	}
	if toggles["PodDisruptionBudget"] {
		if pdb := c.one(own, "PodDisruptionBudget", what); pdb != nil {
			if !reflect.DeepEqual(selectorOf(pdb, "spec", "selector", "matchLabels"), sel) {
				c.fail("%s: PodDisruptionBudget selector differs from the Deployment's", what)
			}
			if dig(pdb, "spec", "minAvailable") == nil && dig(pdb, "spec", "maxUnavailable") == nil {
				c.fail("%s: PodDisruptionBudget needs minAvailable or maxUnavailable", what)
			}
		}
	}
	hpas := 0
	for _, o := range own {
		if o.kind() != "HorizontalPodAutoscaler" {
			continue
		}
		hpas++
		if str(dig(o, "spec", "scaleTargetRef", "kind")) != "Deployment" || str(dig(o, "spec", "scaleTargetRef", "name")) != dep.name() {
			c.fail("%s: HorizontalPodAutoscaler does not target Deployment %s", what, dep.name())
		}
	}
	if (hpas == 1) != autoscaled || hpas > 1 {
		c.fail("%s: %d HorizontalPodAutoscaler(s) with autoscaling.enabled=%v", what, hpas, autoscaled)
	}
	c.checkMigration(what, own, objs, dep, ctr, svc, values, name, env)
	if toggles["NetworkPolicy"] {
		c.checkNetworkPolicy(what, name, svc, services, own, objs, sel, values)
	}

	var list []string
	for k, n := range kinds {
		if n > 1 {
			k = fmt.Sprintf("%s×%d", k, n)
		}
		list = append(list, k)
	}
	sort.Strings(list)
	return list
}

func (c *checker) checkHardening(what string, pod, ctr map[string]interface{}) {
	runAsNonRoot := isTrue(dig(ctr, "securityContext", "runAsNonRoot")) ||
		(dig(ctr, "securityContext", "runAsNonRoot") == nil && isTrue(dig(pod, "securityContext", "runAsNonRoot")))
	if !runAsNonRoot {
		c.fail("%s: runAsNonRoot must be true", what)
	}
	if !isTrue(dig(ctr, "securityContext", "readOnlyRootFilesystem")) {
		c.fail("%s: readOnlyRootFilesystem must be true", what)
	}
	if dig(ctr, "securityContext", "allowPrivilegeEscalation") != false {
		c.fail("%s: allowPrivilegeEscalation must be false", what)
	}
	dropsAll := false
	for _, cap := range asList(dig(ctr, "securityContext", "capabilities", "drop")) {
		dropsAll = dropsAll || str(cap) == "ALL"
	}
	if !dropsAll || len(asList(dig(ctr, "securityContext", "capabilities", "add"))) > 0 {
		c.fail("%s: capabilities must drop ALL and add none", what)
	}
	if pod["automountServiceAccountToken"] != false {
		c.fail("%s: automountServiceAccountToken must be false", what)
	}
}

func (c *checker) checkEnv(what string, env map[string]string, svc, values map[string]interface{}, grpcPort, metricsPort int) {
	if !strings.HasSuffix(env["CCMS_GRPC_LISTEN"], fmt.Sprintf(":%d", grpcPort)) {
		c.fail("%s: CCMS_GRPC_LISTEN=%q does not listen on the grpc port %d", what, env["CCMS_GRPC_LISTEN"], grpcPort)
	}
	if !strings.HasSuffix(env["CCMS_METRICS_LISTEN"], fmt.Sprintf(":%d", metricsPort)) {
		c.fail("%s: CCMS_METRICS_LISTEN=%q does not listen on the metrics port %d", what, env["CCMS_METRICS_LISTEN"], metricsPort)
	}
	if env["CCMS_KAFKA_BOOTSTRAP"] != str(dig(values, "kafka", "bootstrapServers")) || env["CCMS_KAFKA_BOOTSTRAP"] == "" {
		c.fail("%s: CCMS_KAFKA_BOOTSTRAP=%q, values say %q", what, env["CCMS_KAFKA_BOOTSTRAP"], dig(values, "kafka", "bootstrapServers"))
	}
	// Server reflection lists every method to any caller: only where config.grpcReflection says.
	wantReflection := "false"
	if isTrue(dig(values, "config", "grpcReflection")) {
		wantReflection = "true"
	}
	if env["CCMS_GRPC_REFLECTION"] != wantReflection {
		c.fail("%s: CCMS_GRPC_REFLECTION=%q, values say config.grpcReflection %v", what, env["CCMS_GRPC_REFLECTION"], wantReflection)
	}
	for _, k := range []string{"CCMS_DB_DSN", "CCMS_JWT_KEY", "CCMS_JWT_KEYS", "CCMS_PII_KEY"} {
		if _, plain := env[k]; plain {
			c.fail("%s: %s is given in plain text; secrets come from files (%s_FILE)", what, k, k)
		}
	}
	for _, k := range []string{"CCMS_DB_DSN_FILE", "CCMS_JWT_KEYS_FILE"} {
		if env[k] == "" {
			c.fail("%s: %s is not set", what, k)
		}
	}
	if _, has := env["CCMS_PII_KEY_FILE"]; has != isTrue(svc["piiKey"]) {
		c.fail("%s: CCMS_PII_KEY_FILE must be set exactly when piiKey is true", what)
	}
	calls := asList(svc["calls"])
	if _, has := env["CCMS_SERVICE_TOKEN_FILE"]; has != (len(calls) > 0) {
		c.fail("%s: CCMS_SERVICE_TOKEN_FILE must be set exactly when the service calls others", what)
	}
	for _, callee := range calls {
		key := "CCMS_" + strings.ToUpper(strings.ReplaceAll(str(callee), "-", "_")) + "_ADDR"
		port, _ := num(dig(values, "services", str(callee), "ports", "grpc"))
		if !strings.HasSuffix(env[key], fmt.Sprintf(":%d", port)) {
			c.fail("%s: %s=%q does not reach %s's grpc port %d", what, key, env[key], callee, port)
		}
	}
}

// checkSecretFiles: each CCMS_*_FILE lies in a mount of a Secret volume, from the Secret values name.
func (c *checker) checkSecretFiles(what string, env map[string]string, pod, ctr, svc, values map[string]interface{}, name string) {
	volumes := map[string]map[string]interface{}{}
	for _, v := range asList(pod["volumes"]) {
		volumes[str(dig(v, "name"))] = asMap(v)
	}
	wantSecret := map[string]string{
		"CCMS_DB_DSN_FILE":              str(dig(svc, "database", "secretName")),
		"CCMS_DB_MIGRATION_DSN_FILE":    str(dig(svc, "database", "migrationSecretName")),
		"CCMS_JWT_KEYS_FILE":            str(dig(values, "secrets", "jwtKey", "secretName")),
		"CCMS_PII_KEY_FILE":             str(dig(values, "secrets", "piiKey", "secretName")),
		"CCMS_GRPC_TLS_CERT_FILE":       str(dig(values, "tls", "server", "secretName")),
		"CCMS_GRPC_TLS_KEY_FILE":        str(dig(values, "tls", "server", "secretName")),
		"CCMS_GRPC_CA_FILE":             str(dig(values, "tls", "ca", "secretName")),
		"CCMS_GRPC_TLS_CLIENT_CA_FILE":  str(dig(values, "tls", "clientCa", "secretName")),
		"CCMS_GRPC_TLS_PARTNER_CA_FILE": str(dig(values, "tls", "partnerCa", "secretName")),
	}
	if wantSecret["CCMS_GRPC_CA_FILE"] == "" {
		wantSecret["CCMS_GRPC_CA_FILE"] = wantSecret["CCMS_GRPC_TLS_CERT_FILE"]
	}
	for key, file := range env {
		if !strings.HasSuffix(key, "_FILE") || key == "CCMS_POLICY_FILE" {
			continue
		}
		found := false
		for _, m := range asList(ctr["volumeMounts"]) {
			mount := str(dig(m, "mountPath"))
			if !strings.HasPrefix(file, mount+"/") {
				continue
			}
			vol := volumes[str(dig(m, "name"))]
			secret := str(dig(vol, "secret", "secretName"))
			if secret == "" {
				continue
			}
			found = true
			if !isTrue(dig(m, "readOnly")) {
				c.fail("%s: the Secret volume %s (%s) is not mounted read-only", what, str(dig(m, "name")), key)
			}
			if want := wantSecret[key]; want != "" && secret != want {
				c.fail("%s: %s comes from Secret %q, values name %q", what, key, secret, want)
			}
			if key == "CCMS_DB_DSN_FILE" && wantSecret[key] == "" && !strings.HasSuffix(secret, "-db") {
				c.fail("%s: the DSN Secret %q is not the default <fullname>-%s-db", what, secret, name)
			}
			fileName := strings.TrimPrefix(file, mount+"/")
			ok := false
			for _, item := range asList(dig(vol, "secret", "items")) {
				ok = ok || str(dig(item, "path")) == fileName
			}
			if !ok {
				c.fail("%s: %s=%s is not an item of its Secret volume", what, key, file)
			}
		}
		if !found {
			c.fail("%s: %s=%s is in no mounted Secret", what, key, file)
		}
	}
}

func (c *checker) checkMigration(what string, own, objs []Obj, dep Obj, depCtr map[string]interface{},
	svc, values map[string]interface{}, name string, depEnv map[string]string) {
	job := c.one(own, "Job", what)
	if job == nil {
		return
	}
	hooks := map[string]bool{}
	for _, h := range strings.Split(job.annotations()["helm.sh/hook"], ",") {
		hooks[strings.TrimSpace(h)] = true
	}
	if !hooks["pre-install"] || !hooks["pre-upgrade"] {
		c.fail("%s: migration Job must be a pre-install,pre-upgrade hook, is %q", what, job.annotations()["helm.sh/hook"])
	}
	pod := asMap(dig(job, "spec", "template", "spec"))
	containers := asList(pod["containers"])
	if len(containers) != 1 {
		c.fail("%s: migration Job must have one container", what)
		return
	}
	ctr := asMap(containers[0])
	c.checkHardening(what+" migration Job", pod, ctr)
	if !reflect.DeepEqual(ctr["command"], depCtr["command"]) || ctr["image"] != depCtr["image"] {
		c.fail("%s: migration Job must run the Deployment's image and command", what)
	}
	args := asList(ctr["args"])
	if len(args) != 1 || str(args[0]) != "--migrate-only" {
		c.fail("%s: migration Job must run with --migrate-only, args are %v", what, args)
	}
	if str(pod["restartPolicy"]) != "Never" && str(pod["restartPolicy"]) != "OnFailure" {
		c.fail("%s: migration Job restartPolicy must be Never or OnFailure", what)
	}
	jobLabels := selectorOf(job, "spec", "template", "metadata", "labels")
	for _, o := range objs {
		if o.kind() == "Service" && subset(selectorOf(o, "spec", "selector"), jobLabels) {
			c.fail("%s: Service %s would send traffic to the migration Job's pod", what, o.name())
		}
	}
	env := map[string]string{}
	for _, e := range asList(ctr["env"]) {
		env[str(dig(e, "name"))] = str(dig(e, "value"))
	}
	if len(asList(ctr["envFrom"])) > 0 {
		c.fail("%s: migration Job must not use envFrom (a pre-install hook runs before the ConfigMap exists)", what)
	}
	// The Job never listens: a loopback address and no TLS settings (nor certificates: a
	// pre-install hook runs before cert-manager has written them).
	if listen := env["CCMS_GRPC_LISTEN"]; !strings.HasPrefix(listen, "127.0.0.1:") {
		c.fail("%s: migration Job CCMS_GRPC_LISTEN=%q, must be loopback (it never listens, and needs no certificate there)", what, listen)
	}
	for k := range env {
		if isTLSSetting(k) {
			c.fail("%s: migration Job sets %s; it never listens and must not need a certificate", what, k)
		}
	}
	for _, v := range asList(pod["volumes"]) {
		if strings.HasPrefix(str(dig(v, "name")), "tls-") {
			c.fail("%s: migration Job mounts %s; it must not wait for a certificate Secret", what, str(dig(v, "name")))
		}
	}
	for k, v := range depEnv {
		if k == "CCMS_POLICY_FILE" || k == "CCMS_GRPC_LISTEN" || isTLSSetting(k) {
			continue
		}
		if env[k] != v {
			c.fail("%s: migration Job %s=%q, the Deployment has %q", what, k, env[k], v)
		}
	}
	c.checkSecretFiles(what+" migration Job", env, pod, ctr, svc, values, name)
	// The migration role owns the schema: only the Job may hold its DSN (docs/security.md).
	if env["CCMS_DB_MIGRATION_DSN_FILE"] == "" {
		c.fail("%s: the migration Job has no CCMS_DB_MIGRATION_DSN_FILE", what)
	}
	if _, has := depEnv["CCMS_DB_MIGRATION_DSN_FILE"]; has {
		c.fail("%s: the Deployment must not hold the migration role's DSN", what)
	}
	if sa := str(pod["serviceAccountName"]); sa != "" {
		c.fail("%s: migration Job names ServiceAccount %q, which a pre-install hook cannot rely on", what, sa)
	}
}

func hasPeer(rule interface{}, field string, want interface{}) bool {
	for _, p := range asList(dig(rule, field)) {
		if reflect.DeepEqual(jsonish(p), jsonish(want)) {
			return true
		}
	}
	return false
}

func jsonish(v interface{}) interface{} {
	raw, _ := json.Marshal(v)
	var out interface{}
	_ = json.Unmarshal(raw, &out)
	return out
}

func rulePorts(rule interface{}) []interface{} {
	var out []interface{}
	for _, p := range asList(dig(rule, "ports")) {
		out = append(out, dig(p, "port"))
	}
	return out
}

func (c *checker) checkNetworkPolicy(what, name string, svc map[string]interface{}, services map[string]map[string]interface{},
	own, objs []Obj, sel map[string]string, values map[string]interface{}) {
	var np Obj
	var migrationNP Obj
	for _, o := range own {
		if o.kind() != "NetworkPolicy" {
			continue
		}
		if reflect.DeepEqual(selectorOf(o, "spec", "podSelector", "matchLabels"), sel) {
			np = o
		} else {
			migrationNP = o
		}
	}
	if np == nil {
		c.fail("%s: no NetworkPolicy selects its pods %v", what, sel)
		return
	}
	types := fmt.Sprint(dig(np, "spec", "policyTypes"))
	if !strings.Contains(types, "Ingress") || !strings.Contains(types, "Egress") {
		c.fail("%s: NetworkPolicy must restrict Ingress and Egress, has %s", what, types)
	}
	grpcPort, _ := num(dig(svc, "ports", "grpc"))
	metricsPort, _ := num(dig(svc, "ports", "metrics"))
	var grpcRules, metricsRules []interface{}
	for _, r := range asList(dig(np, "spec", "ingress")) {
		if len(asList(dig(r, "from"))) == 0 || len(asList(dig(r, "ports"))) == 0 {
			c.fail("%s: NetworkPolicy ingress rule %v lets anyone in (no from or no ports)", what, r)
		}
		for _, p := range rulePorts(r) {
			switch {
			case portMatches(p, "grpc", grpcPort):
				grpcRules = append(grpcRules, r)
			case portMatches(p, "metrics", metricsPort):
				metricsRules = append(metricsRules, r)
			default:
				c.fail("%s: NetworkPolicy opens port %v, which is neither grpc nor metrics", what, p)
			}
		}
	}
	allowed := func(rules []interface{}, peer interface{}) bool {
		for _, r := range rules {
			if hasPeer(r, "from", peer) {
				return true
			}
		}
		return false
	}
	for _, peer := range asList(dig(values, "networkPolicy", "clients")) {
		if !allowed(grpcRules, peer) {
			c.fail("%s: NetworkPolicy does not let client %v call grpc", what, peer)
		}
	}
	for _, peer := range asList(dig(values, "networkPolicy", "metrics")) {
		if !allowed(metricsRules, peer) {
			c.fail("%s: NetworkPolicy does not let %v scrape metrics", what, peer)
		}
	}
	for _, r := range metricsRules {
		for _, peer := range asList(dig(r, "from")) {
			if !hasPeer(map[string]interface{}{"from": dig(values, "networkPolicy", "metrics")}, "from", peer) {
				c.fail("%s: NetworkPolicy lets %v scrape metrics, which networkPolicy.metrics does not name", what, peer)
			}
		}
	}
	selectorPeer := func(service string) interface{} {
		for _, o := range objs {
			if o.kind() == "Deployment" && o.labels()["app.kubernetes.io/component"] == service {
				return map[string]interface{}{"podSelector": map[string]interface{}{"matchLabels": dig(o, "spec", "selector", "matchLabels")}}
			}
		}
		return nil
	}
	callers := map[string]bool{}
	for other, o := range services {
		for _, callee := range asList(o["calls"]) {
			if str(callee) == name {
				callers[other] = true
				if !allowed(grpcRules, selectorPeer(other)) {
					c.fail("%s: NetworkPolicy does not let its caller %s in", what, other)
				}
			}
		}
	}
	for _, r := range grpcRules {
		for _, peer := range asList(dig(r, "from")) {
			if hasPeer(map[string]interface{}{"from": dig(values, "networkPolicy", "clients")}, "from", peer) {
				continue
			}
			ok := false
			for caller := range callers {
				ok = ok || reflect.DeepEqual(jsonish(peer), jsonish(selectorPeer(caller)))
			}
			if !ok {
				c.fail("%s: NetworkPolicy lets %v call grpc, which is neither a client nor a caller", what, peer)
			}
		}
	}
	c.checkInfraEgress(what+" NetworkPolicy", np, values)
	for _, callee := range asList(svc["calls"]) {
		cs, enabled := services[str(callee)]
		if !enabled {
			continue
		}
		port, _ := num(dig(cs, "ports", "grpc"))
		ok := false
		for _, r := range asList(dig(np, "spec", "egress")) {
			if hasPeer(r, "to", selectorPeer(str(callee))) {
				for _, p := range rulePorts(r) {
					ok = ok || portMatches(p, "", port)
				}
			}
		}
		if !ok {
			c.fail("%s: NetworkPolicy does not let it call %s on %d", what, callee, port)
		}
	}
	if migrationNP == nil {
		c.fail("%s: no NetworkPolicy for the migration Job's pods", what)
		return
	}
	var job Obj
	for _, o := range own {
		if o.kind() == "Job" {
			job = o
		}
	}
	if job != nil && !subset(selectorOf(migrationNP, "spec", "podSelector", "matchLabels"), selectorOf(job, "spec", "template", "metadata", "labels")) {
		c.fail("%s: the migration NetworkPolicy does not select the migration Job's pods", what)
	}
	if len(asList(dig(migrationNP, "spec", "ingress"))) > 0 {
		c.fail("%s: the migration Job's pods take no connections", what)
	}
	c.checkInfraEgress(what+" migration NetworkPolicy", migrationNP, values)
}

// checkInfraEgress: DNS, PostgreSQL and Kafka are reachable, and no rule is open to everything.
func (c *checker) checkInfraEgress(what string, np Obj, values map[string]interface{}) {
	reach := map[int]bool{}
	for _, r := range asList(dig(np, "spec", "egress")) {
		if len(asList(dig(r, "ports"))) == 0 {
			c.fail("%s: egress rule %v has no ports", what, r)
		}
		for _, p := range rulePorts(r) {
			if n, ok := num(p); ok {
				reach[n] = true
			}
		}
	}
	want := []int{53}
	for _, p := range asList(dig(values, "networkPolicy", "postgresql", "ports")) {
		n, _ := num(p)
		want = append(want, n)
	}
	for _, p := range asList(dig(values, "networkPolicy", "kafka", "ports")) {
		n, _ := num(p)
		want = append(want, n)
	}
	for _, p := range want {
		if !reach[p] {
			c.fail("%s: egress to port %d (DNS, PostgreSQL or Kafka) is not allowed", what, p)
		}
	}
}

func (c *checker) checkRules(objs []Obj, values map[string]interface{}, required map[string]bool, rulesFile string, summary *strings.Builder) {
	var rules []Obj
	for _, o := range objs {
		if o.kind() == "PrometheusRule" {
			rules = append(rules, o)
		}
	}
	enabled := isTrue(dig(values, "metrics", "prometheusRule", "enabled"))
	if !enabled && !required["PrometheusRule"] {
		if len(rules) > 0 {
			c.fail("a PrometheusRule is rendered though metrics.prometheusRule.enabled is false")
		}
		return
	}
	if len(rules) != 1 {
		c.fail("expected one PrometheusRule, found %d", len(rules))
		return
	}
	groups := asList(dig(rules[0], "spec", "groups"))
	n := 0
	for _, g := range groups {
		n += len(asList(dig(g, "rules")))
	}
	fmt.Fprintf(summary, "PrometheusRule %s: %d groups, %d rules\n", rules[0].name(), len(groups), n)
	if rulesFile == "" {
		return
	}
	raw, err := os.ReadFile(rulesFile)
	if err != nil {
		c.fail("%v", err)
		return
	}
	var file map[string]interface{}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		c.fail("%s: %v", rulesFile, err)
		return
	}
	if !reflect.DeepEqual(jsonish(file["groups"]), jsonish(groups)) {
		c.fail("the PrometheusRule's groups differ from %s", rulesFile)
	}
}

func (c *checker) checkDashboard(objs []Obj, values map[string]interface{}, dashboardFile string, summary *strings.Builder) {
	var cms []Obj
	for _, o := range objs {
		if o.kind() == "ConfigMap" && o.labels()["app.kubernetes.io/component"] == "dashboard" {
			cms = append(cms, o)
		}
	}
	enabled := isTrue(dig(values, "grafana", "dashboard", "enabled"))
	if !enabled {
		if len(cms) > 0 {
			c.fail("a dashboard ConfigMap is rendered though grafana.dashboard.enabled is false")
		}
		return
	}
	if len(cms) != 1 {
		c.fail("expected one dashboard ConfigMap, found %d", len(cms))
		return
	}
	for k, v := range strMap(dig(values, "grafana", "dashboard", "labels")) {
		if cms[0].labels()[k] != v {
			c.fail("dashboard ConfigMap lacks the sidecar label %s=%s", k, v)
		}
	}
	data := strMap(cms[0]["data"])
	if len(data) != 1 {
		c.fail("dashboard ConfigMap must hold one dashboard, holds %d", len(data))
	}
	for key, content := range data {
		var got interface{}
		if err := json.Unmarshal([]byte(content), &got); err != nil || !strings.HasSuffix(key, ".json") {
			c.fail("dashboard ConfigMap %s is not a JSON dashboard: %v", key, err)
			continue
		}
		fmt.Fprintf(summary, "dashboard ConfigMap %s: %s (%d bytes)\n", cms[0].name(), key, len(content))
		if dashboardFile == "" {
			continue
		}
		raw, err := os.ReadFile(dashboardFile)
		if err != nil {
			c.fail("%v", err)
			continue
		}
		var want interface{}
		if err := json.Unmarshal(raw, &want); err != nil {
			c.fail("%s: %v", dashboardFile, err)
		} else if !reflect.DeepEqual(got, want) {
			c.fail("the dashboard ConfigMap differs from %s", dashboardFile)
		}
	}
}

// isTLSSetting: the gRPC TLS settings of a serving pod (common/grpc/tls.h), none of which the
// migration Job has.
func isTLSSetting(k string) bool {
	return strings.HasPrefix(k, "CCMS_GRPC_TLS_") || strings.HasPrefix(k, "CCMS_GRPC_CLIENT_") ||
		k == "CCMS_GRPC_CA_FILE" || k == "CCMS_GRPC_CA" || k == "CCMS_GRPC_ALLOW_PLAINTEXT"
}

// probeArgs: the --flag=value arguments of an exec probe's command.
func probeArgs(cmd []interface{}) map[string]string {
	out := map[string]string{}
	for _, a := range cmd {
		if k, v, ok := strings.Cut(str(a), "="); ok && strings.HasPrefix(k, "--") {
			out[k] = v
		}
	}
	return out
}

// checkProbe: with tls.enabled the probe is `ccmsctl health` over TLS to the pod's own gRPC port
// (the kubelet's gRPC probe speaks plaintext only, and a TLS port fails it), verifying the
// certificate against the pods' CA under the Service's name; without TLS, the kubelet's gRPC probe.
// Either way for the given health name.
func (c *checker) checkProbe(what, field, health string, p map[string]interface{}, grpcPort int, service string, values map[string]interface{}) {
	if !isTrue(dig(values, "tls", "enabled")) {
		port, _ := num(dig(p, "grpc", "port"))
		if p == nil || port != grpcPort || str(dig(p, "grpc", "service")) != health {
			c.fail("%s: %s must be a gRPC probe on port %d for health name %q, is %v", what, field, grpcPort, health, p)
		}
		return
	}
	if dig(p, "grpc") != nil {
		c.fail("%s: %s is a plaintext gRPC probe, but the port serves TLS (tls.enabled)", what, field)
		return
	}
	cmd := asList(dig(p, "exec", "command"))
	args := probeArgs(cmd)
	if len(cmd) < 2 || str(cmd[0]) != "/usr/local/bin/ccmsctl" || str(cmd[1]) != "health" ||
		args["--addr"] != fmt.Sprintf("127.0.0.1:%d", grpcPort) || args["--service"] != health {
		c.fail("%s: %s must run `ccmsctl health --addr=127.0.0.1:%d --service=%s` over TLS, is %v", what, field, grpcPort, health, cmd)
		return
	}
	if args["--ca-file"] == "" || args["--server-name"] != service {
		c.fail("%s: %s must verify the certificate (--ca-file) under the Service's name %q, has %v", what, field, service, cmd)
	}
	required := isTrue(dig(values, "tls", "requireClientCert"))
	if required && (args["--cert-file"] == "" || args["--key-file"] == "") {
		c.fail("%s: %s presents no client certificate, but tls.requireClientCert is true", what, field)
	}
}

// checkTLS: with tls.enabled the listener has its certificate and key, callers a CA, the client
// and partner CAs exactly where values name them, and the probes' files exist in the pod; without,
// plaintext is allowed explicitly and no certificate setting is left over.
func (c *checker) checkTLS(what string, env map[string]string, pod, ctr, values map[string]interface{}, name string) {
	if !isTrue(dig(values, "tls", "enabled")) {
		if env["CCMS_GRPC_ALLOW_PLAINTEXT"] != "true" {
			c.fail("%s: tls.enabled is false but CCMS_GRPC_ALLOW_PLAINTEXT is not true (a service refuses plaintext on 0.0.0.0)", what)
		}
		for k := range env {
			if isTLSSetting(k) && k != "CCMS_GRPC_ALLOW_PLAINTEXT" {
				c.fail("%s: tls.enabled is false but %s is set", what, k)
			}
		}
		return
	}
	if env["CCMS_GRPC_ALLOW_PLAINTEXT"] == "true" {
		c.fail("%s: CCMS_GRPC_ALLOW_PLAINTEXT=true although tls.enabled", what)
	}
	for _, k := range []string{"CCMS_GRPC_TLS_CERT_FILE", "CCMS_GRPC_TLS_KEY_FILE", "CCMS_GRPC_CA_FILE"} {
		if env[k] == "" {
			c.fail("%s: tls.enabled but %s is not set", what, k)
		}
	}
	for _, ca := range []struct{ key, value string }{
		{"CCMS_GRPC_TLS_CLIENT_CA_FILE", "clientCa"}, {"CCMS_GRPC_TLS_PARTNER_CA_FILE", "partnerCa"},
	} {
		if (env[ca.key] != "") != (str(dig(values, "tls", ca.value, "secretName")) != "") {
			c.fail("%s: %s must be set exactly when tls.%s.secretName is", what, ca.key, ca.value)
		}
	}
	wantRequire := "false"
	if isTrue(dig(values, "tls", "requireClientCert")) {
		wantRequire = "true"
	}
	if env["CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT"] != wantRequire {
		c.fail("%s: CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT=%q, values say %s", what, env["CCMS_GRPC_TLS_REQUIRE_CLIENT_CERT"], wantRequire)
	}
	presents := wantRequire == "true" || isTrue(dig(values, "tls", "serviceClientCert"))
	if (env["CCMS_GRPC_CLIENT_CERT_FILE"] != "") != presents || (env["CCMS_GRPC_CLIENT_KEY_FILE"] != "") != presents {
		c.fail("%s: CCMS_GRPC_CLIENT_CERT_FILE/_KEY_FILE must be set exactly when the services present a certificate (tls.requireClientCert or tls.serviceClientCert)", what)
	}
	// Without tls.server.secretName, each service has its own Secret <fullname>-<service>-tls.
	if str(dig(values, "tls", "server", "secretName")) == "" {
		want := "-" + name + "-tls"
		for _, v := range asList(pod["volumes"]) {
			if str(dig(v, "name")) == "tls-server" && !strings.HasSuffix(str(dig(v, "secret", "secretName")), want) {
				c.fail("%s: the certificate Secret %q is not the default <fullname>%s", what, str(dig(v, "secret", "secretName")), want)
			}
		}
	}
	// The files the probes read are mounted.
	mounted := func(file string) bool {
		for _, m := range asList(ctr["volumeMounts"]) {
			if strings.HasPrefix(file, str(dig(m, "mountPath"))+"/") {
				return true
			}
		}
		return false
	}
	for _, field := range []string{"readinessProbe", "livenessProbe", "startupProbe"} {
		args := probeArgs(asList(dig(ctr, field, "exec", "command")))
		for _, flag := range []string{"--ca-file", "--cert-file", "--key-file"} {
			if f := args[flag]; f != "" && !mounted(f) {
				c.fail("%s: %s reads %s=%s, which no volume mounts", what, field, flag, f)
			}
		}
		if f := args["--ca-file"]; f != "" && f != env["CCMS_GRPC_CA_FILE"] {
			c.fail("%s: %s verifies against %s, the service's callers against %s", what, field, f, env["CCMS_GRPC_CA_FILE"])
		}
	}
}

// checkCertificate: with tls.certManager.enabled, one cert-manager Certificate per service that
// writes the Secret its pods mount, from the issuer values name, for the Service's names (and for
// client auth where the services present it); otherwise none.
func (c *checker) checkCertificate(what string, own []Obj, values map[string]interface{}, name string, env map[string]string,
	pod, ctr map[string]interface{}) {
	var certs []Obj
	for _, o := range own {
		if o.kind() == "Certificate" {
			certs = append(certs, o)
		}
	}
	enabled := isTrue(dig(values, "tls", "enabled")) && isTrue(dig(values, "tls", "certManager", "enabled"))
	if !enabled {
		if len(certs) > 0 {
			c.fail("%s: a Certificate is rendered though tls.certManager (or tls) is off", what)
		}
		return
	}
	if len(certs) != 1 {
		c.fail("%s: expected one Certificate, found %d", what, len(certs))
		return
	}
	cert := certs[0]
	if str(cert["apiVersion"]) != "cert-manager.io/v1" {
		c.fail("%s: Certificate apiVersion is %q, not cert-manager.io/v1", what, cert["apiVersion"])
	}
	mountedSecret := ""
	for _, v := range asList(pod["volumes"]) {
		if str(dig(v, "name")) == "tls-server" {
			mountedSecret = str(dig(v, "secret", "secretName"))
		}
	}
	if secret := str(dig(cert, "spec", "secretName")); secret == "" || secret != mountedSecret {
		c.fail("%s: the Certificate writes Secret %q, the pods mount %q", what, secret, mountedSecret)
	}
	for _, k := range []string{"name", "kind", "group"} {
		if got, want := str(dig(cert, "spec", "issuerRef", k)), str(dig(values, "tls", "certManager", "issuerRef", k)); got != want || got == "" {
			c.fail("%s: Certificate issuerRef.%s is %q, values say %q", what, k, got, want)
		}
	}
	var svcName string
	for _, o := range own {
		if o.kind() == "Service" {
			svcName = o.name()
		}
	}
	dns := map[string]bool{}
	for _, d := range asList(dig(cert, "spec", "dnsNames")) {
		dns[str(d)] = true
	}
	for _, want := range []string{svcName, svcName + "." + c.namespace + ".svc"} {
		if !dns[want] {
			c.fail("%s: the Certificate does not name %q (callers reach the Service by it)", what, want)
		}
	}
	// The name the probes check is in the certificate.
	for _, field := range []string{"readinessProbe", "livenessProbe", "startupProbe"} {
		if sn := probeArgs(asList(dig(ctr, field, "exec", "command")))["--server-name"]; sn != "" && !dns[sn] {
			c.fail("%s: %s checks the name %q, which the Certificate does not hold", what, field, sn)
		}
	}
	usages := map[string]bool{}
	for _, u := range asList(dig(cert, "spec", "usages")) {
		usages[str(u)] = true
	}
	if !usages["server auth"] {
		c.fail("%s: the Certificate lacks the usage \"server auth\"", what)
	}
	if env["CCMS_GRPC_CLIENT_CERT_FILE"] != "" && !usages["client auth"] {
		c.fail("%s: the services present their certificate as a client certificate, but it lacks \"client auth\"", what)
	}
}
