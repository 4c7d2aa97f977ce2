package main

// Checks of the alert rules' documentation, and of a running Prometheus (the dev stack's) over
// its HTTP API: every service's target is up, a metric has series for each, the rules loaded.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func loadRules(path string) (*ruleFile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rf ruleFile
	if err := yaml.Unmarshal(raw, &rf); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &rf, nil
}

var heading = regexp.MustCompile(`(?m)^#{2,4}\s+` + "`?" + `([A-Za-z0-9]+)` + "`?" + `\s*$`)

// CheckAlertDocs: every alert has a severity, a summary, a description and a runbook
// annotation pointing at its own section of the operations document, which exists.
func CheckAlertDocs(rulesPath, docPath string) ([]string, string) {
	rf, err := loadRules(rulesPath)
	if err != nil {
		return []string{err.Error()}, ""
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		return []string{err.Error()}, ""
	}
	sections := map[string]bool{}
	for _, m := range heading.FindAllStringSubmatch(string(doc), -1) {
		sections[m[1]] = true
	}
	var problems, names []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			names = append(names, r.Alert)
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				problems = append(problems, fmt.Sprintf("%s: severity must be critical or warning, is %q", r.Alert, s))
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					problems = append(problems, fmt.Sprintf("%s: no %s annotation", r.Alert, a))
				}
			}
			want := "docs/operations.md#" + strings.ToLower(r.Alert)
			if r.Annotations["runbook"] != want {
				problems = append(problems, fmt.Sprintf("%s: runbook annotation must be %q, is %q", r.Alert, want, r.Annotations["runbook"]))
			}
			if !sections[r.Alert] {
				problems = append(problems, fmt.Sprintf("%s: %s has no section headed %q (its runbook)", r.Alert, docPath, r.Alert))
			}
		}
	}
	if len(names) == 0 {
		problems = append(problems, rulesPath+": no alerts")
	}
	return problems, fmt.Sprintf("%d alerts, each with its runbook section: %s\n", len(names), strings.Join(names, ", "))
}

func promGet(addr, path string, params url.Values, out interface{}) error {
	u := "http://" + addr + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	var envelope struct {
		Status string          `json:"status"`
		Data   json.RawMessage `json:"data"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return fmt.Errorf("GET %s: %v", path, err)
	}
	if envelope.Status != "success" {
		return fmt.Errorf("GET %s: %s", path, envelope.Error)
	}
	return json.Unmarshal(envelope.Data, out)
}

// PrometheusOptions: what the running Prometheus must show.
type PrometheusOptions struct {
	Addr    string
	Jobs    []string
	Metric  string
	Rules   string
	Timeout time.Duration
}

// CheckPrometheus polls until every job's targets are up and the metric has series for each job
// (and the rules file's alerts are loaded), or the time is up.
func CheckPrometheus(opt PrometheusOptions) ([]string, string) {
	if opt.Addr == "" || len(opt.Jobs) == 0 {
		return []string{"give --addr and at least one job (--jobs)"}, ""
	}
	deadline := time.Now().Add(opt.Timeout)
	var summary strings.Builder
	var last []string
	// 1. The targets API: each job has targets, all up.
	for {
		var data struct {
			ActiveTargets []struct {
				Labels    map[string]string `json:"labels"`
				ScrapeURL string            `json:"scrapeUrl"`
				Health    string            `json:"health"`
				LastError string            `json:"lastError"`
			} `json:"activeTargets"`
		}
		last = nil
		if err := promGet(opt.Addr, "/api/v1/targets", url.Values{"state": {"active"}}, &data); err != nil {
			last = []string{err.Error()}
		} else {
			for _, job := range opt.Jobs {
				n, up := 0, 0
				for _, t := range data.ActiveTargets {
					if t.Labels["job"] != job {
						continue
					}
					n++
					if t.Health == "up" {
						up++
					} else {
						last = append(last, fmt.Sprintf("target %s of %s is %s %s", t.ScrapeURL, job, t.Health, t.LastError))
					}
				}
				if n == 0 {
					last = append(last, fmt.Sprintf("no target has job=%q", job))
				} else if up == n {
					fmt.Fprintf(&summary, "targets API: %s has %d target(s), all up\n", job, n)
				}
			}
		}
		if len(last) == 0 || time.Now().After(deadline) {
			break
		}
		summary.Reset()
		time.Sleep(time.Second)
	}
	if len(last) > 0 {
		return last, summary.String()
	}
	// 2. The metric has series for every job.
	if opt.Metric != "" {
		query := fmt.Sprintf("count by (job) (%s)", opt.Metric)
		for {
			var data struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
					Value  []interface{}     `json:"value"`
				} `json:"result"`
			}
			last = nil
			if err := promGet(opt.Addr, "/api/v1/query", url.Values{"query": {query}}, &data); err != nil {
				last = []string{err.Error()}
			} else {
				count := map[string]string{}
				for _, r := range data.Result {
					if len(r.Value) == 2 {
						count[r.Metric["job"]] = fmt.Sprint(r.Value[1])
					}
				}
				for _, job := range opt.Jobs {
					if count[job] == "" || count[job] == "0" {
						last = append(last, fmt.Sprintf("%s has no %s series", job, opt.Metric))
					}
				}
				if len(last) == 0 {
					var parts []string
					for _, job := range opt.Jobs {
						parts = append(parts, fmt.Sprintf("%s %s", job, count[job]))
					}
					fmt.Fprintf(&summary, "query %s: %s\n", query, strings.Join(parts, ", "))
				}
			}
			if len(last) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Second)
		}
		if len(last) > 0 {
			return last, summary.String()
		}
	}
	// 3. The alert rules are loaded and healthy.
	if opt.Rules != "" {
		rf, err := loadRules(opt.Rules)
		if err != nil {
			return []string{err.Error()}, summary.String()
		}
		var data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Type      string `json:"type"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		}
		if err := promGet(opt.Addr, "/api/v1/rules", url.Values{"type": {"alert"}}, &data); err != nil {
			return []string{err.Error()}, summary.String()
		}
		loaded := map[string]string{}
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				loaded[r.Name] = r.Health + " " + r.LastError
			}
		}
		var names []string
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				names = append(names, r.Alert)
				h, ok := loaded[r.Alert]
				if !ok {
					last = append(last, fmt.Sprintf("alert %s is not loaded", r.Alert))
				} else if strings.HasPrefix(h, "err") {
					last = append(last, fmt.Sprintf("alert %s: %s", r.Alert, h))
				}
			}
		}
		sort.Strings(names)
		fmt.Fprintf(&summary, "rules API: %d alerts loaded from %s\n", len(names), opt.Rules)
	}
	return last, summary.String()
}
