// chartrender renders and checks the ccms Helm chart where no helm binary is installed, with
// helm's own template engine (Go text/template + sprig, from Debian's Go packages).
//
//	chartrender template [-f values.yaml]... [--release NAME] [--namespace NS] CHART
//	    print the manifests, like `helm template` (values are checked against the schema)
//	chartrender schema [-f values.yaml]... CHART
//	    check the chart's values (and the files laid over them) against values.schema.json
//	chartrender objects [-f values.yaml]... CHART
//	    list the rendered objects, one "Kind name component" line each
//	chartrender check [-f values.yaml]... [--expect-services a,b] [--require Kind,...]
//	                  [--rules FILE] [--dashboard FILE] CHART
//	    render, parse every document, and check each enabled service's objects
//	chartrender ports --root DIR
//	    the services and ports of the binaries, deploy/dev/up, the chart and the compose file agree
//	chartrender dashboard-rules FILE
//	    a Prometheus rules file with one recording rule per dashboard query (for promtool)
//	chartrender alert-docs [--rules FILE] [--doc FILE]
//	    every alert has a severity, summary, description and a runbook section in the doc
//	chartrender prometheus --addr HOST:PORT --jobs a,b [--metric NAME] [--rules FILE]
//	    a running Prometheus shows every job's targets up, series of the metric for each job,
//	    and the rules' alerts loaded (polls until --timeout)
//	chartrender dockerfile --root DIR [--dockerfile FILE] [--binary FILE]...
//	    static checks of deploy/Dockerfile; with --binary, its runtime packages cover the
//	    binary's shared libraries
//
// Build (GOPATH mode, Debian's packages; tests/deploy/build_tools.sh does it for CTest):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build      (and go vet, gofmt -l before a change)
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func usage() {
	fmt.Fprintln(os.Stderr, "usage: chartrender template|schema|objects|check|ports|dashboard-rules|dockerfile|alert-docs|prometheus [flags] ARG")
	os.Exit(2)
}

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "chartrender: "+format+"\n", args...)
	os.Exit(1)
}

type renderFlags struct {
	fs        *flag.FlagSet
	values    multiFlag
	release   string
	namespace string
	kube      string
	strict    bool
}

func newRenderFlags(name string) *renderFlags {
	r := &renderFlags{fs: flag.NewFlagSet(name, flag.ExitOnError)}
	r.fs.Var(&r.values, "f", "values file laid over the chart's values.yaml (repeatable)")
	r.fs.Var(&r.values, "values", "same as -f")
	r.fs.StringVar(&r.release, "release", "ccms", "release name")
	r.fs.StringVar(&r.namespace, "namespace", "ccms", "release namespace")
	r.fs.StringVar(&r.kube, "kube-version", "1.28.0", "Kubernetes version for .Capabilities")
	r.fs.BoolVar(&r.strict, "strict", false, "fail on a missing value (missingkey=error, as helm lint --strict)")
	return r
}

func (r *renderFlags) parse(args []string) (*Chart, RenderOptions) {
	// Flags may follow the chart argument, as with helm.
	var positional []string
	for len(args) > 0 {
		if err := r.fs.Parse(args); err != nil {
			os.Exit(2)
		}
		args = r.fs.Args()
		if len(args) > 0 {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
	if len(positional) != 1 {
		die("%s: give exactly one chart directory", r.fs.Name())
	}
	chart, err := LoadChart(positional[0])
	if err != nil {
		die("%v", err)
	}
	return chart, RenderOptions{ValueFiles: r.values, ReleaseName: r.release, Namespace: r.namespace,
		KubeVersion: r.kube, Strict: r.strict}
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "template":
		rf := newRenderFlags(cmd)
		showNotes := rf.fs.Bool("show-notes", false, "print NOTES.txt too")
		chart, opt := rf.parse(args)
		files, err := chart.Render(opt)
		if err != nil {
			die("%v", err)
		}
		for _, d := range Manifests(files) {
			fmt.Printf("---\n# Source: %s\n%s", d.Source, d.Content)
		}
		if *showNotes {
			for _, f := range files {
				if strings.HasSuffix(f.Source, "NOTES.txt") {
					fmt.Printf("\nNOTES:\n%s\n", f.Content)
				}
			}
		}
	case "schema":
		rf := newRenderFlags(cmd)
		chart, opt := rf.parse(args)
		if len(chart.Schema) == 0 {
			die("%s has no values.schema.json", chart.Dir)
		}
		values, err := chart.MergedValues(opt.ValueFiles)
		if err != nil {
			die("%v", err)
		}
		if errs := ValidateSchema(chart.Schema, values); len(errs) > 0 {
			die("values do not meet values.schema.json:\n  %s", strings.Join(errs, "\n  "))
		}
		fmt.Printf("values meet values.schema.json (%s)\n", describeFiles(opt.ValueFiles))
	case "objects":
		rf := newRenderFlags(cmd)
		chart, opt := rf.parse(args)
		objs, _, err := renderObjects(chart, opt)
		if err != nil {
			die("%v", err)
		}
		var lines []string
		for _, o := range objs {
			lines = append(lines, fmt.Sprintf("%s %s %s", o.kind(), o.name(), o.labels()["app.kubernetes.io/component"]))
		}
		sort.Strings(lines)
		fmt.Println(strings.Join(lines, "\n"))
	case "check":
		rf := newRenderFlags(cmd)
		expect := rf.fs.String("expect-services", "", "comma-separated services that must be deployed (exactly)")
		require := rf.fs.String("require", "", "comma-separated kinds every service must have whatever the toggles")
		rules := rf.fs.String("rules", "", "alert rules file the PrometheusRule must match")
		dashboard := rf.fs.String("dashboard", "", "dashboard JSON the dashboard ConfigMap must hold")
		chart, opt := rf.parse(args)
		problems, summary := CheckChart(chart, opt, CheckOptions{
			ExpectServices: splitList(*expect), RequireKinds: splitList(*require),
			RulesFile: *rules, DashboardFile: *dashboard,
		})
		fmt.Print(summary)
		if len(problems) > 0 {
			fmt.Printf("FAIL: %d problem(s) with %s:\n  %s\n", len(problems), describeFiles(opt.ValueFiles),
				strings.Join(problems, "\n  "))
			os.Exit(1)
		}
		fmt.Printf("ok: chart renders and every service has its objects (%s)\n", describeFiles(opt.ValueFiles))
	case "ports":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		root := fs.String("root", ".", "source tree")
		_ = fs.Parse(args)
		problems, summary := CheckPorts(*root)
		fmt.Print(summary)
		if len(problems) > 0 {
			fmt.Printf("FAIL:\n  %s\n", strings.Join(problems, "\n  "))
			os.Exit(1)
		}
		fmt.Println("ok: binaries, deploy/dev/up, the chart and the compose file list the same services and ports")
	case "dashboard-rules":
		if len(args) != 1 {
			usage()
		}
		out, err := DashboardRules(args[0])
		if err != nil {
			die("%v", err)
		}
		fmt.Print(out)
	case "dockerfile":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		root := fs.String("root", ".", "source tree")
		dockerfile := fs.String("dockerfile", "", "the Dockerfile (default ROOT/deploy/Dockerfile)")
		var binaries multiFlag
		fs.Var(&binaries, "binary", "a built binary whose shared libraries the image must carry (repeatable)")
		_ = fs.Parse(args)
		problems, summary := CheckDockerfile(*root, *dockerfile, binaries...)
		fmt.Print(summary)
		if len(problems) > 0 {
			fmt.Printf("FAIL:\n  %s\n", strings.Join(problems, "\n  "))
			os.Exit(1)
		}
		fmt.Println("ok: deploy/Dockerfile")
	case "alert-docs":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		rules := fs.String("rules", "deploy/prometheus/ccms-alerts.yml", "alert rules file")
		doc := fs.String("doc", "docs/operations.md", "document holding the runbooks")
		_ = fs.Parse(args)
		problems, summary := CheckAlertDocs(*rules, *doc)
		fmt.Print(summary)
		if len(problems) > 0 {
			fmt.Printf("FAIL:\n  %s\n", strings.Join(problems, "\n  "))
			os.Exit(1)
		}
		fmt.Println("ok: every alert is documented")
	case "prometheus":
		fs := flag.NewFlagSet(cmd, flag.ExitOnError)
		addr := fs.String("addr", "", "Prometheus HOST:PORT")
		jobs := fs.String("jobs", "", "comma-separated jobs whose targets must be up")
		metric := fs.String("metric", "", "a metric that must have series for every job")
		rules := fs.String("rules", "", "alert rules file whose alerts must be loaded")
		timeout := fs.Duration("timeout", 60*time.Second, "how long to wait")
		_ = fs.Parse(args)
		problems, summary := CheckPrometheus(PrometheusOptions{Addr: *addr, Jobs: splitList(*jobs),
			Metric: *metric, Rules: *rules, Timeout: *timeout})
		fmt.Print(summary)
		if len(problems) > 0 {
			fmt.Printf("FAIL:\n  %s\n", strings.Join(problems, "\n  "))
			os.Exit(1)
		}
		fmt.Println("ok: Prometheus shows every service")
	default:
		usage()
	}
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func describeFiles(files []string) string {
	if len(files) == 0 {
		return "default values"
	}
	return "values " + strings.Join(files, ", ")
}

// renderObjects renders the chart and parses every document; a document that is not YAML, or
// not a Kubernetes object, is an error.
func renderObjects(chart *Chart, opt RenderOptions) ([]Obj, []Rendered, error) {
	files, err := chart.Render(opt)
	if err != nil {
		return nil, nil, err
	}
	docs := Manifests(files)
	var objs []Obj
	var problems []string
	for _, d := range docs {
		var v interface{}
		if err := yaml.Unmarshal([]byte(d.Content), &v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: not YAML: %v\n%s", d.Source, err, numbered(d.Content)))
			continue
		}
		m, ok := v.(map[string]interface{})
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: a document is not a mapping", d.Source))
			continue
		}
		o := Obj(m)
		o["__source"] = d.Source
		objs = append(objs, o)
	}
	if len(problems) > 0 {
		return nil, docs, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return objs, docs, nil
}

func numbered(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "%4d | %s\n", i+1, line)
	}
	return b.String()
}
