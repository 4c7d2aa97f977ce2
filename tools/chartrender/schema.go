package main

// A JSON Schema (draft-07) validator for the keywords a values schema uses. An unknown keyword
// is an error, so the schema never says more than is checked here.

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

var ignoredKeywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "title": true, "description": true,
	"default": true, "examples": true, "definitions": true, "$defs": true, "readOnly": true,
}

// ValidateSchema checks a document against a schema; it returns one line per problem.
func ValidateSchema(schemaJSON []byte, doc interface{}) []string {
	var schema interface{}
	if err := json.Unmarshal(schemaJSON, &schema); err != nil {
		return []string{fmt.Sprintf("schema is not valid JSON: %v", err)}
	}
	v := &validator{root: schema}
	v.validate(schema, doc, "(root)")
	return v.errs
}

type validator struct {
	root interface{}
	errs []string
}

func (v *validator) fail(at, format string, args ...interface{}) {
	v.errs = append(v.errs, at+": "+fmt.Sprintf(format, args...))
}

func (v *validator) resolve(ref string) (interface{}, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("only local $ref (#/...) is supported, not %q", ref)
	}
	node := v.root
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := node.(map[string]interface{})
		if !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		if node, ok = m[part]; !ok {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
	}
	return node, nil
}

func typeOf(x interface{}) string {
	switch n := x.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if n == math.Trunc(n) {
			return "integer"
		}
		return "number"
	case int, int64:
		return "integer"
	case []interface{}:
		return "array"
	case map[string]interface{}:
		return "object"
	}
	return fmt.Sprintf("%T", x)
}

func typeMatches(want, got string) bool {
	return want == got || (want == "number" && got == "integer")
}

func toFloat(x interface{}) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// valid reports whether doc meets schema, without recording problems.
func (v *validator) valid(schema, doc interface{}, at string) bool {
	sub := &validator{root: v.root}
	sub.validate(schema, doc, at)
	return len(sub.errs) == 0
}

func (v *validator) validate(schema, doc interface{}, at string) {
	switch s := schema.(type) {
	case bool:
		if !s {
			v.fail(at, "not allowed here")
		}
		return
	case map[string]interface{}:
		v.validateObject(s, doc, at)
	default:
		v.fail(at, "schema node is neither an object nor a boolean")
	}
}

func (v *validator) validateObject(s map[string]interface{}, doc interface{}, at string) {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kw := s[k]
		switch k {
		case "$ref":
			target, err := v.resolve(fmt.Sprint(kw))
			if err != nil {
				v.fail(at, "%v", err)
				continue
			}
			v.validate(target, doc, at)
		case "type":
			got := typeOf(doc)
			ok := false
			switch t := kw.(type) {
			case string:
				ok = typeMatches(t, got)
			case []interface{}:
				for _, e := range t {
					ok = ok || typeMatches(fmt.Sprint(e), got)
				}
			}
			if !ok {
				v.fail(at, "Invalid type. Expected: %v, given: %s", kw, got)
				return
			}
		case "enum":
			found := false
			for _, e := range kw.([]interface{}) {
				found = found || reflect.DeepEqual(e, doc)
			}
			if !found {
				v.fail(at, "must be one of %v", kw)
			}
		case "const":
			if !reflect.DeepEqual(kw, doc) {
				v.fail(at, "must be %v", kw)
			}
		case "properties", "patternProperties", "additionalProperties", "propertyNames", "required",
			"minProperties", "maxProperties":
			m, ok := doc.(map[string]interface{})
			if !ok {
				continue
			}
			v.objectKeyword(k, kw, s, m, at)
		case "items", "minItems", "maxItems", "uniqueItems":
			a, ok := doc.([]interface{})
			if !ok {
				continue
			}
			v.arrayKeyword(k, kw, a, at)
		case "minLength", "maxLength", "pattern":
			str, ok := doc.(string)
			if !ok {
				continue
			}
			n, _ := toFloat(kw)
			switch k {
			case "minLength":
				if float64(len([]rune(str))) < n {
					v.fail(at, "String length must be greater than or equal to %v", kw)
				}
			case "maxLength":
				if float64(len([]rune(str))) > n {
					v.fail(at, "String length must be less than or equal to %v", kw)
				}
			case "pattern":
				re, err := regexp.Compile(fmt.Sprint(kw))
				if err != nil {
					v.fail(at, "bad pattern %q in schema", kw)
				} else if !re.MatchString(str) {
					v.fail(at, "Does not match pattern '%v'", kw)
				}
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
			x, ok := toFloat(doc)
			if !ok {
				continue
			}
			n, _ := toFloat(kw)
			bad := (k == "minimum" && x < n) || (k == "maximum" && x > n) ||
				(k == "exclusiveMinimum" && x <= n) || (k == "exclusiveMaximum" && x >= n) ||
				(k == "multipleOf" && math.Mod(x, n) != 0)
			if bad {
				v.fail(at, "Must meet %s %v", k, kw)
			}
		case "allOf":
			for _, sub := range kw.([]interface{}) {
				v.validate(sub, doc, at)
			}
		case "anyOf", "oneOf":
			n := 0
			for _, sub := range kw.([]interface{}) {
				if v.valid(sub, doc, at) {
					n++
				}
			}
			if n == 0 || (k == "oneOf" && n > 1) {
				v.fail(at, "Must validate %s the schemas (%s)", map[string]string{"anyOf": "at least one of", "oneOf": "one and only one of"}[k], k)
			}
		case "not":
			if v.valid(kw, doc, at) {
				v.fail(at, "Must not validate the schema (not)")
			}
		default:
			if !ignoredKeywords[k] {
				v.fail(at, "schema keyword %q is not supported by this validator", k)
			}
		}
	}
}

func (v *validator) objectKeyword(k string, kw interface{}, s map[string]interface{}, m map[string]interface{}, at string) {
	child := func(name string) string {
		if at == "(root)" {
			return name
		}
		return at + "." + name
	}
	switch k {
	case "properties":
		for name, sub := range kw.(map[string]interface{}) {
			if val, ok := m[name]; ok {
				v.validate(sub, val, child(name))
			}
		}
	case "patternProperties":
		for pat, sub := range kw.(map[string]interface{}) {
			re, err := regexp.Compile(pat)
			if err != nil {
				v.fail(at, "bad pattern %q in schema", pat)
				continue
			}
			for name, val := range m {
				if re.MatchString(name) {
					v.validate(sub, val, child(name))
				}
			}
		}
	case "additionalProperties":
		props, _ := s["properties"].(map[string]interface{})
		pats, _ := s["patternProperties"].(map[string]interface{})
		names := make([]string, 0, len(m))
		for name := range m {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if _, ok := props[name]; ok {
				continue
			}
			matched := false
			for pat := range pats {
				if re, err := regexp.Compile(pat); err == nil && re.MatchString(name) {
					matched = true
				}
			}
			if matched {
				continue
			}
			if b, ok := kw.(bool); ok && !b {
				v.fail(at, "Additional property %s is not allowed", name)
			} else if !ok {
				v.validate(kw, m[name], child(name))
			}
		}
	case "propertyNames":
		for name := range m {
			v.validate(kw, name, child(name)+" (name)")
		}
	case "required":
		for _, name := range kw.([]interface{}) {
			if _, ok := m[fmt.Sprint(name)]; !ok {
				v.fail(at, "%v is required", name)
			}
		}
	case "minProperties", "maxProperties":
		n, _ := toFloat(kw)
		if (k == "minProperties" && float64(len(m)) < n) || (k == "maxProperties" && float64(len(m)) > n) {
			v.fail(at, "Must meet %s %v", k, kw)
		}
	}
}

func (v *validator) arrayKeyword(k string, kw interface{}, a []interface{}, at string) {
	switch k {
	case "items":
		if list, ok := kw.([]interface{}); ok {
			for i, sub := range list {
				if i < len(a) {
					v.validate(sub, a[i], fmt.Sprintf("%s.%d", at, i))
				}
			}
			return
		}
		for i, e := range a {
			v.validate(kw, e, fmt.Sprintf("%s.%d", at, i))
		}
	case "minItems", "maxItems":
		n, _ := toFloat(kw)
		if (k == "minItems" && float64(len(a)) < n) || (k == "maxItems" && float64(len(a)) > n) {
			v.fail(at, "Array must have %s %v items", map[string]string{"minItems": "at least", "maxItems": "at most"}[k], kw)
		}
	case "uniqueItems":
		if b, _ := kw.(bool); b {
			for i := range a {
				for j := i + 1; j < len(a); j++ {
					if reflect.DeepEqual(a[i], a[j]) {
						v.fail(at, "Array items must be unique (%d and %d are equal)", i, j)
					}
				}
			}
		}
	}
}
