package main

// A faithful subset of helm 3's rendering engine: the chart's templates parsed into one
// text/template set with sprig's functions (minus env/expandenv, as helm does) and helm's own
// (include, tpl, required, toYaml, fromYaml, toJson, fromJson, lookup, …); values merged the way
// helm coalesces them and numbers decoded as float64 (helm's values go through JSON), so a
// template that works here behaves the same under `helm template`.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/semver"
	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

// Chart is a chart directory loaded into memory.
type Chart struct {
	Dir       string
	Meta      map[string]interface{} // Chart.yaml as written
	Values    map[string]interface{} // values.yaml
	Schema    []byte                 // values.schema.json, if any
	Templates map[string]string      // "<chart>/templates/<file>" -> text
	Files     Files                  // every other file, by path relative to the chart
}

// Files is .Files in templates.
type Files map[string][]byte

// Get returns a file's content, or "" when there is none (as helm does).
func (f Files) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content as bytes.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Glob returns the files matching a pattern.
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

// Lines returns a file's lines.
func (f Files) Lines(name string) []string {
	s := strings.TrimSuffix(string(f[name]), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// AsConfig renders the files as the data of a ConfigMap.
func (f Files) AsConfig() string {
	m := map[string]interface{}{}
	for name, data := range f {
		m[path.Base(name)] = string(data)
	}
	s, _ := toYAML(m)
	return s
}

// Release is .Release.
type Release struct {
	Name      string
	Namespace string
	Service   string
	IsInstall bool
	IsUpgrade bool
	Revision  int
}

// KubeVersion is .Capabilities.KubeVersion.
type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k KubeVersion) String() string { return k.Version }

// VersionSet is .Capabilities.APIVersions.
type VersionSet []string

// Has reports whether an API version (group/version or group/version/Kind) is known.
func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Capabilities is .Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion map[string]string
}

// LoadChart reads a chart directory.
func LoadChart(dir string) (*Chart, error) {
	c := &Chart{Dir: dir, Templates: map[string]string{}, Files: Files{}}
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(raw, &c.Meta); err != nil {
		return nil, fmt.Errorf("Chart.yaml: %v", err)
	}
	for _, key := range []string{"apiVersion", "name", "version"} {
		if s, _ := c.Meta[key].(string); s == "" {
			return nil, fmt.Errorf("Chart.yaml: %s is required", key)
		}
	}
	if c.Meta["apiVersion"] != "v2" {
		return nil, fmt.Errorf("Chart.yaml: apiVersion must be v2")
	}
	if _, err := semver.StrictNewVersion(c.Meta["version"].(string)); err != nil {
		return nil, fmt.Errorf("Chart.yaml: version %q is not SemVer 2", c.Meta["version"])
	}
	c.Values = map[string]interface{}{}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		v, err := parseValues(raw)
		if err != nil {
			return nil, fmt.Errorf("values.yaml: %v", err)
		}
		c.Values = v
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.schema.json")); err == nil {
		c.Schema = raw
	}
	name := c.Meta["name"].(string)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if info.IsDir() {
			if rel == "charts" || strings.HasPrefix(info.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			c.Templates[name+"/"+rel] = string(data)
		case rel == "Chart.yaml" || rel == "Chart.lock" || rel == "values.yaml" ||
			rel == "values.schema.json" || rel == ".helmignore":
		default:
			c.Files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// parseValues decodes YAML values as helm does: a mapping, numbers as float64.
func parseValues(raw []byte) (map[string]interface{}, error) {
	var v interface{}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]interface{}{}, nil
	}
	m, ok := normalize(v).(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("not a YAML mapping")
	}
	return m, nil
}

// normalize turns decoded YAML into what JSON decoding gives: string keys, float64 numbers.
func normalize(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []interface{}:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	default:
		return v
	}
}

// coalesce lays src over dst as helm merges user values over a chart's: maps merge key by
// key, anything else is replaced, and null deletes the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for k, sv := range src {
		if sv == nil {
			delete(dst, k)
			continue
		}
		sm, sIsMap := sv.(map[string]interface{})
		dm, dIsMap := dst[k].(map[string]interface{})
		if sIsMap && dIsMap {
			dst[k] = coalesce(dm, sm)
		} else {
			dst[k] = sv
		}
	}
	return dst
}

func deepCopyJSON(v map[string]interface{}) map[string]interface{} {
	raw, _ := json.Marshal(v)
	var out map[string]interface{}
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]interface{}{}
	}
	return out
}

// RenderOptions are helm template's flags that matter here.
type RenderOptions struct {
	ValueFiles  []string
	ReleaseName string
	Namespace   string
	KubeVersion string
	SkipSchema  bool
	Strict      bool // missingkey=error, as `helm lint --strict` renders
}

// Rendered is one output file of the chart.
type Rendered struct {
	Source  string // "<chart>/templates/<file>"
	Content string
}

// MergedValues returns the chart's values with the value files laid over them.
func (c *Chart) MergedValues(files []string) (map[string]interface{}, error) {
	values := deepCopyJSON(c.Values)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		v, err := parseValues(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		values = coalesce(values, v)
	}
	return values, nil
}

// Render executes every template, as `helm template` does; NOTES.txt comes back too.
func (c *Chart) Render(opt RenderOptions) ([]Rendered, error) {
	values, err := c.MergedValues(opt.ValueFiles)
	if err != nil {
		return nil, err
	}
	if len(c.Schema) > 0 && !opt.SkipSchema {
		if errs := ValidateSchema(c.Schema, values); len(errs) > 0 {
			return nil, fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n- %s",
				c.Meta["name"], strings.Join(errs, "\n- "))
		}
	}
	kv := opt.KubeVersion
	if kv == "" {
		kv = "v1.28.0"
	}
	if !strings.HasPrefix(kv, "v") {
		kv = "v" + kv
	}
	kver, err := semver.NewVersion(kv)
	if err != nil {
		return nil, fmt.Errorf("kube version %q: %v", kv, err)
	}
	if constraint, _ := c.Meta["kubeVersion"].(string); constraint != "" {
		cons, err := semver.NewConstraint(constraint)
		if err != nil {
			return nil, fmt.Errorf("Chart.yaml: kubeVersion %q: %v", constraint, err)
		}
		if !cons.Check(kver) {
			return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", constraint, kv)
		}
	}
	chartName := c.Meta["name"].(string)
	top := map[string]interface{}{
		"Values": values,
		"Release": Release{Name: opt.ReleaseName, Namespace: opt.Namespace, Service: "Helm",
			IsInstall: true, Revision: 1},
		"Chart": chartObject(c.Meta),
		"Capabilities": Capabilities{
			KubeVersion: KubeVersion{Version: kv, Major: fmt.Sprint(kver.Major()),
				Minor: fmt.Sprint(kver.Minor()), GitVersion: kv},
			APIVersions: VersionSet{"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2",
				"networking.k8s.io/v1", "monitoring.coreos.com/v1"},
			HelmVersion: map[string]string{"Version": "v3-compatible (chartrender)"},
		},
		"Files":    c.Files,
		"Template": map[string]interface{}{"Name": "", "BasePath": chartName + "/templates"},
	}

	root := template.New("gotpl").Option("missingkey=zero")
	if opt.Strict {
		root.Option("missingkey=error")
	}
	includeDepth := 0
	funcs := helmFuncMap()
	funcs["include"] = func(name string, data interface{}) (string, error) {
		includeDepth++
		defer func() { includeDepth-- }()
		if includeDepth > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %v", text, err)
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %v", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	root.Funcs(funcs)

	names := make([]string, 0, len(c.Templates))
	for name := range c.Templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := root.New(name).Parse(c.Templates[name]); err != nil {
			return nil, fmt.Errorf("parse error in %q: %v", name, err)
		}
	}
	var out []Rendered
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, fmt.Errorf("template: %v", err)
		}
		out = append(out, Rendered{Source: name, Content: strings.ReplaceAll(buf.String(), "<no value>", "")})
	}
	return out, nil
}

func chartObject(meta map[string]interface{}) map[string]interface{} {
	o := map[string]interface{}{}
	for k, v := range meta {
		key := strings.ToUpper(k[:1]) + k[1:]
		if k == "apiVersion" {
			key = "APIVersion"
		}
		o[key] = v
	}
	return o
}

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

// Manifests splits rendered files into documents, as helm does, skipping empty ones and NOTES.txt.
func Manifests(files []Rendered) []Rendered {
	var docs []Rendered
	for _, f := range files {
		if strings.HasSuffix(f.Source, "NOTES.txt") {
			continue
		}
		for _, part := range docSeparator.Split(f.Content, -1) {
			if strings.TrimSpace(stripComments(part)) == "" {
				continue
			}
			docs = append(docs, Rendered{Source: f.Source, Content: strings.Trim(part, "\n") + "\n"})
		}
	}
	return docs
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String()
}

// helmFuncMap is sprig's text functions without env/expandenv, plus helm's own.
func helmFuncMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toToml": func(v interface{}) string { return "" },
		"toYaml": func(v interface{}) string {
			s, err := toYAML(v)
			if err != nil {
				return ""
			}
			return s
		},
		"fromYaml": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			var v interface{}
			if err := yaml.Unmarshal([]byte(s), &v); err != nil {
				m["Error"] = err.Error()
				return m
			}
			if mm, ok := normalize(v).(map[string]interface{}); ok {
				return mm
			}
			return m
		},
		"fromYamlArray": func(s string) []interface{} {
			var v interface{}
			if err := yaml.Unmarshal([]byte(s), &v); err != nil {
				return []interface{}{err.Error()}
			}
			if a, ok := normalize(v).([]interface{}); ok {
				return a
			}
			return []interface{}{}
		},
		"toJson": func(v interface{}) string {
			raw, err := json.Marshal(v)
			if err != nil {
				return ""
			}
			return string(raw)
		},
		"fromJson": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				m["Error"] = err.Error()
			}
			return m
		},
		"fromJsonArray": func(s string) []interface{} {
			var a []interface{}
			if err := json.Unmarshal([]byte(s), &a); err != nil {
				return []interface{}{err.Error()}
			}
			return a
		},
		"required": func(warn string, val interface{}) (interface{}, error) {
			if val == nil {
				return val, fmt.Errorf("%s", warn)
			}
			if s, ok := val.(string); ok && s == "" {
				return val, fmt.Errorf("%s", warn)
			}
			return val, nil
		},
		// No cluster here: lookup finds nothing, as in `helm template`.
		"lookup": func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		// Replaced per render (they need the template set).
		"include": func(string, interface{}) string { return "not implemented" },
		"tpl":     func(string, interface{}) interface{} { return "not implemented" },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// toYAML marshals like helm's toYaml (sigs.k8s.io/yaml): through JSON, sorted keys, two-space
// indent, no trailing newline.
func toYAML(v interface{}) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var generic interface{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(jsonNumbers(generic)); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func jsonNumbers(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = jsonNumbers(e)
		}
		return x
	case []interface{}:
		for i, e := range x {
			x[i] = jsonNumbers(e)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	default:
		return v
	}
}
