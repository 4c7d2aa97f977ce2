package main

// The dashboard's queries as recording rules, so `promtool check rules` parses every one of them.

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	builtinVar  = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)
	templateVar = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(:[a-z]+)?\}|\$([A-Za-z0-9_]+)`)
)

// DashboardRules reads a Grafana dashboard and prints a rules file with one recording rule per
// panel query; it fails on a dashboard without title, uid or queries, or with repeated panel ids.
func DashboardRules(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var dash map[string]interface{}
	if err := json.Unmarshal(raw, &dash); err != nil {
		return "", fmt.Errorf("%s: not JSON: %v", path, err)
	}
	if str(dash["title"]) == "" || str(dash["uid"]) == "" {
		return "", fmt.Errorf("%s: title and uid are required", path)
	}
	vars := map[string]bool{}
	for _, v := range asList(dig(dash, "templating", "list")) {
		vars[str(dig(v, "name"))] = true
	}
	var rules []map[string]string
	ids := map[int]bool{}
	var walk func(panels []interface{}) error
	walk = func(panels []interface{}) error {
		for _, p := range panels {
			id, _ := num(dig(p, "id"))
			if ids[id] {
				return fmt.Errorf("%s: panel id %d is used twice", path, id)
			}
			ids[id] = true
			if err := walk(asList(dig(p, "panels"))); err != nil {
				return err
			}
			if str(dig(p, "type")) == "row" || str(dig(p, "type")) == "text" {
				continue
			}
			targets := asList(dig(p, "targets"))
			if len(targets) == 0 {
				return fmt.Errorf("%s: panel %d %q has no query", path, id, dig(p, "title"))
			}
			if ds := fmt.Sprint(dig(p, "datasource")); !strings.Contains(ds, "${datasource}") {
				return fmt.Errorf("%s: panel %d %q must use the ${datasource} variable, uses %s", path, id, dig(p, "title"), ds)
			}
			for i, t := range targets {
				expr := str(dig(t, "expr"))
				if expr == "" {
					return fmt.Errorf("%s: panel %d %q: target %d has no expr", path, id, dig(p, "title"), i)
				}
				var bad error
				expr = builtinVar.ReplaceAllStringFunc(expr, func(m string) string {
					switch {
					case strings.Contains(m, "range"):
						return "1h"
					case strings.Contains(m, "rate_interval"):
						return "5m"
					}
					return "1m"
				})
				expr = templateVar.ReplaceAllStringFunc(expr, func(m string) string {
					sm := templateVar.FindStringSubmatch(m)
					name := sm[1] + sm[3]
					if !vars[name] {
						bad = fmt.Errorf("%s: panel %d %q uses $%s, which the dashboard does not define", path, id, dig(p, "title"), name)
					}
					return ".+"
				})
				if bad != nil {
					return bad
				}
				rules = append(rules, map[string]string{
					"record": fmt.Sprintf("dashboard:panel_%d_%d", id, i),
					"expr":   expr,
				})
			}
		}
		return nil
	}
	if err := walk(asList(dash["panels"])); err != nil {
		return "", err
	}
	if len(rules) == 0 {
		return "", fmt.Errorf("%s: no panel queries", path)
	}
	out, err := yaml.Marshal(map[string]interface{}{
		"groups": []interface{}{map[string]interface{}{"name": "dashboard-" + str(dash["uid"]), "rules": rules}},
	})
	return string(out), err
}
