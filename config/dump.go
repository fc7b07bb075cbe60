package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/rules"
)

// envName is what an *_env value must look like; anything else is likely
// the token itself pasted by mistake, and is never printed.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Redacted replaces a value that must not be printed.
const Redacted = "<redacted: not a variable name, perhaps the token itself>"

// Dump is the effective configuration as YAML: every key with the value
// strazh uses, defaults filled in, durations in the shared syntax. Secrets
// are never in a configuration, only their sources (*_env, *_file); an
// *_env value that is no variable name is redacted.
func (c *Config) Dump() ([]byte, error) {
	root := mapping()
	for _, f := range fieldsOf(reflect.ValueOf(c).Elem()) {
		switch f.name {
		case "accounts":
			continue
		case "telegram":
			if c.Telegram == nil {
				add(root, f.name, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
				continue
			}
		}
		add(root, f.name, node(f.name, f.v))
	}
	if c.ReviewMAX != nil || c.ReviewWeb != nil {
		rv := mapping()
		if c.ReviewMAX != nil {
			add(rv, "max", node("max", reflect.ValueOf(c.ReviewMAX).Elem()))
		}
		if c.ReviewWeb != nil {
			wn := node("web", reflect.ValueOf(c.ReviewWeb).Elem())
			if c.Telegram != nil || c.ReviewMAX != nil {
				dropKeys(wn, reviewWebTimeoutKeys) // the chat's apply (checkReviewWebTimeouts)
			}
			add(rv, "web", wn)
		}
		add(root, "review", rv)
	}
	accs := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range c.Accounts {
		m := mapping()
		for _, f := range fieldsOf(reflect.ValueOf(&a).Elem()) {
			add(m, f.name, node(f.name, f.v))
		}
		if a.Conn != nil {
			cv := reflect.ValueOf(a.Conn)
			for cv.Kind() == reflect.Pointer || cv.Kind() == reflect.Interface {
				cv = cv.Elem()
			}
			for _, f := range fieldsOf(cv) {
				add(m, f.name, node(f.name, f.v))
			}
		}
		accs.Content = append(accs.Content, m)
	}
	add(root, "accounts", accs)
	var b strings.Builder
	fmt.Fprintf(&b, "# The effective configuration of %s: every key, defaults filled in.\n# Secrets are named by their source (*_env, *_file), never shown.\n", c.File)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, err
	}
	return []byte(b.String()), enc.Close()
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

// dropKeys removes keys from mapping m.
func dropKeys(m *yaml.Node, keys []string) {
	out := m.Content[:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !slices.Contains(keys, m.Content[i].Value) {
			out = append(out, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = out
}

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func scalar(tag, v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v} }

// node is one value as YAML; name is its key (for *_env redaction).
func node(name string, v reflect.Value) *yaml.Node {
	t := v.Type()
	switch {
	case t == durationType:
		return scalar("", duration.Format(time.Duration(v.Int())))
	case t == thresholdType:
		if rules.Threshold(v.Float()) == rules.Auto {
			return scalar("!!str", "auto")
		}
		return scalar("", fmt.Sprint(v.Float()))
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return scalar("!!null", "null")
		}
		return node(name, v.Elem())
	case reflect.Struct:
		m := mapping()
		for _, f := range fieldsOf(v) {
			add(m, f.name, node(f.name, f.v))
		}
		return m
	case reflect.Slice:
		s := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := range v.Len() {
			s.Content = append(s.Content, node(name, v.Index(i)))
		}
		return s
	case reflect.Map:
		m := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		keys := v.MapKeys()
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = k.String()
		}
		sort.Strings(ks)
		for _, k := range ks {
			add(m, k, node(k, v.MapIndex(reflect.ValueOf(k).Convert(t.Key()))))
		}
		return m
	case reflect.String:
		s := v.String()
		if strings.HasSuffix(name, "_env") && s != "" && !envName.MatchString(s) {
			s = Redacted
		}
		return scalar("!!str", s)
	case reflect.Bool:
		return scalar("", fmt.Sprint(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("", fmt.Sprint(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar("", fmt.Sprint(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return scalar("", fmt.Sprint(v.Float()))
	}
	return scalar("!!str", fmt.Sprint(v.Interface()))
}
