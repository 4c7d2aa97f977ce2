package main

// One list of services and ports, stated in several places: the binaries' defaults (kIdentity
// in services/*/wiring.cc), deploy/dev/up's SERVICES, the chart's values, the compose file and the
// ports table of docs/operations.md. CheckPorts says where they disagree.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

type serviceSpec struct {
	Binary      string
	GrpcService string
	Grpc        int
	Metrics     int
}

func (s serviceSpec) String() string {
	return fmt.Sprintf("%s %s grpc %d metrics %d", s.Binary, s.GrpcService, s.Grpc, s.Metrics)
}

var (
	identityBlock = regexp.MustCompile(`(?s)kIdentity\s*=\s*\{(.*?)\};`)
	identityField = regexp.MustCompile(`\.(name|grpc_service|default_grpc_port|default_metrics_port)\s*=\s*"?([A-Za-z0-9_.-]+)"?`)
	executable    = regexp.MustCompile(`add_executable\(\s*(ccms-[a-z0-9-]+)`)
	kitService    = regexp.MustCompile(`ccms_add_service\(\s*NAME\s+([a-z0-9_-]+)`)
	devService    = regexp.MustCompile(`^\s*"([a-z0-9-]+) \$\(\((\d+) \+ OFFSET\)\) \$\(\((\d+) \+ OFFSET\)\)"\s*$`)
	portsRow      = regexp.MustCompile("^\\|\\s*`?(ccms-[a-z0-9-]+)`?\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|")
)

var serviceSubdir = regexp.MustCompile(`(?m)^\s*add_subdirectory\(\s*services/([a-z0-9_-]+)\s*\)`)

// binaryServices reads the kIdentity of each service the build makes (add_subdirectory in the
// top CMakeLists.txt; a service still being written is not one yet) and its executable's name.
func binaryServices(root string) (map[string]serviceSpec, []string) {
	out := map[string]serviceSpec{}
	var problems []string
	top, err := os.ReadFile(filepath.Join(root, "CMakeLists.txt"))
	if err != nil {
		return out, []string{err.Error()}
	}
	var mains []string
	for _, m := range serviceSubdir.FindAllStringSubmatch(string(top), -1) {
		mains = append(mains, filepath.Join(root, "services", m[1], "wiring.cc"))
	}
	for _, main := range mains {
		src, err := os.ReadFile(main)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		block := identityBlock.FindSubmatch(src)
		if block == nil {
			problems = append(problems, main+": no kIdentity block")
			continue
		}
		fields := map[string]string{}
		for _, m := range identityField.FindAllSubmatch(block[1], -1) {
			fields[string(m[1])] = string(m[2])
		}
		grpc, _ := strconv.Atoi(fields["default_grpc_port"])
		metrics, _ := strconv.Atoi(fields["default_metrics_port"])
		spec := serviceSpec{GrpcService: fields["grpc_service"], Grpc: grpc, Metrics: metrics}
		if cm, err := os.ReadFile(filepath.Join(filepath.Dir(main), "CMakeLists.txt")); err == nil {
			if m := executable.FindSubmatch(cm); m != nil {
				spec.Binary = string(m[1])
			} else if m := kitService.FindSubmatch(cm); m != nil {
				spec.Binary = "ccms-" + string(m[1]) // ccms_add_service names it so
			}
		}
		if fields["name"] == "" || spec.GrpcService == "" || grpc == 0 || metrics == 0 || spec.Binary == "" {
			problems = append(problems, fmt.Sprintf("%s: cannot read name, grpc_service, ports and the executable's name (have %v, %q)", main, fields, spec.Binary))
			continue
		}
		out[fields["name"]] = spec
	}
	if len(out) == 0 {
		problems = append(problems, "no service binaries found under services/*/wiring.cc")
	}
	return out, problems
}

func devServices(root string) (map[string]serviceSpec, error) {
	raw, err := os.ReadFile(filepath.Join(root, "deploy", "dev", "up"))
	if err != nil {
		return nil, err
	}
	out := map[string]serviceSpec{}
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case strings.HasPrefix(line, "SERVICES=("):
			in = true
		case in && strings.TrimSpace(line) == ")":
			in = false
		case in:
			m := devService.FindStringSubmatch(line)
			if m == nil {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
					return nil, fmt.Errorf("deploy/dev/up: cannot read SERVICES line %q", line)
				}
				continue
			}
			g, _ := strconv.Atoi(m[2])
			mp, _ := strconv.Atoi(m[3])
			out[m[1]] = serviceSpec{Binary: "ccms-" + m[1], Grpc: g, Metrics: mp}
		}
	}
	return out, nil
}

func chartServices(root string) (map[string]serviceSpec, error) {
	raw, err := os.ReadFile(filepath.Join(root, "charts", "ccms", "values.yaml"))
	if err != nil {
		return nil, err
	}
	values, err := parseValues(raw)
	if err != nil {
		return nil, err
	}
	out := map[string]serviceSpec{}
	for name, block := range asMap(values["services"]) {
		g, _ := num(dig(block, "ports", "grpc"))
		m, _ := num(dig(block, "ports", "metrics"))
		out[name] = serviceSpec{Binary: str(dig(block, "binary")), GrpcService: str(dig(block, "grpcService")), Grpc: g, Metrics: m}
	}
	return out, nil
}

// composeServices: compose services that run a ccms-* service binary, by the binary's name.
func composeServices(root string) (map[string]serviceSpec, []string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "deploy", "docker-compose.yml"))
	if err != nil {
		return nil, nil, err
	}
	var doc map[string]interface{}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("deploy/docker-compose.yml: %v", err)
	}
	out := map[string]serviceSpec{}
	var problems []string
	for cname, s := range asMap(doc["services"]) {
		var cmd []string
		switch x := dig(s, "command").(type) {
		case string:
			cmd = strings.Fields(x)
		case []interface{}:
			for _, e := range x {
				cmd = append(cmd, str(e))
			}
		}
		if len(cmd) == 0 || !strings.HasPrefix(cmd[0], "ccms-") || cmd[0] == "ccms-devkafka" {
			continue
		}
		spec := serviceSpec{Binary: cmd[0]}
		published := map[int]bool{}
		for _, p := range asList(dig(s, "ports")) {
			parts := strings.Split(strings.TrimSuffix(str(p), "/tcp"), ":")
			container, _ := strconv.Atoi(parts[len(parts)-1])
			if len(parts) >= 2 {
				if host, _ := strconv.Atoi(parts[len(parts)-2]); host != container {
					problems = append(problems, fmt.Sprintf("compose %s: port %q maps to another number", cname, str(p)))
				}
			}
			published[container] = true
		}
		var ports []int
		for p := range published {
			ports = append(ports, p)
		}
		sort.Ints(ports)
		env := map[string]string{}
		switch e := dig(s, "environment").(type) {
		case map[string]interface{}:
			for k, v := range e {
				env[k] = str(v)
			}
		case []interface{}:
			for _, kv := range e {
				parts := strings.SplitN(str(kv), "=", 2)
				if len(parts) == 2 {
					env[parts[0]] = parts[1]
				}
			}
		}
		spec.Grpc, spec.Metrics = -1, -1
		if len(ports) == 2 {
			spec.Grpc, spec.Metrics = ports[1], ports[0]
		}
		for _, k := range []string{"CCMS_GRPC_LISTEN", "CCMS_METRICS_LISTEN"} {
			if v, ok := env[k]; ok {
				problems = append(problems, fmt.Sprintf("compose %s: %s=%s overrides the binary's default port", cname, k, v))
			}
		}
		if dig(s, "read_only") != true || !strings.Contains(fmt.Sprint(dig(s, "cap_drop")), "ALL") {
			problems = append(problems, fmt.Sprintf("compose %s: needs read_only: true and cap_drop: [ALL]", cname))
		}
		hc := fmt.Sprint(dig(s, "healthcheck", "test"))
		if !strings.Contains(hc, "ccmsctl") || !strings.Contains(hc, fmt.Sprintf(":%d", spec.Grpc)) {
			problems = append(problems, fmt.Sprintf("compose %s: healthcheck must run ccmsctl health on the grpc port, is %s", cname, hc))
		}
		out[strings.TrimPrefix(cmd[0], "ccms-")] = spec
	}
	return out, problems, nil
}

func docsPorts(root string) (map[string]serviceSpec, error) {
	raw, err := os.ReadFile(filepath.Join(root, "docs", "operations.md"))
	if err != nil {
		return nil, err
	}
	out := map[string]serviceSpec{}
	for _, line := range strings.Split(string(raw), "\n") {
		if m := portsRow.FindStringSubmatch(line); m != nil {
			g, _ := strconv.Atoi(m[2])
			mp, _ := strconv.Atoi(m[3])
			out[strings.TrimPrefix(m[1], "ccms-")] = serviceSpec{Binary: m[1], Grpc: g, Metrics: mp}
		}
	}
	return out, nil
}

// CheckPorts compares every list with the binaries'.
func CheckPorts(root string) ([]string, string) {
	bins, problems := binaryServices(root)
	var summary strings.Builder
	var names []string
	for n := range bins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&summary, "binary %s: %s\n", n, bins[n])
	}
	compare := func(where string, got map[string]serviceSpec, withGrpcService bool) {
		for _, n := range names {
			want := bins[n]
			g, ok := got[n]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: no %s (%s)", where, n, want))
				continue
			}
			if !withGrpcService {
				g.GrpcService = want.GrpcService
			}
			if g != want {
				problems = append(problems, fmt.Sprintf("%s: %s is %s; the binary says %s", where, n, g, want))
			}
		}
		for n := range got {
			if _, ok := bins[n]; !ok {
				problems = append(problems, fmt.Sprintf("%s: %s has no binary (services/%s/main.cc)", where, n, n))
			}
		}
		fmt.Fprintf(&summary, "%s: %d service(s)\n", where, len(got))
	}
	if dev, err := devServices(root); err != nil {
		problems = append(problems, err.Error())
	} else {
		compare("deploy/dev/up SERVICES", dev, false)
	}
	if chart, err := chartServices(root); err != nil {
		problems = append(problems, err.Error())
	} else {
		compare("charts/ccms/values.yaml services", chart, true)
	}
	if compose, cproblems, err := composeServices(root); err != nil {
		problems = append(problems, err.Error())
	} else {
		problems = append(problems, cproblems...)
		compare("deploy/docker-compose.yml", compose, false)
	}
	if docs, err := docsPorts(root); err != nil {
		problems = append(problems, err.Error())
	} else {
		compare("docs/operations.md ports table", docs, false)
	}
	return problems, summary.String()
}
