package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/rules"
	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong in a configuration file, with its place.
type Problem struct {
	File string
	Line int
	Key  string // YAML path, e.g. accounts[0].group_id
	Msg  string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

var (
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
)

// decoder decodes YAML nodes into structs strictly: an unknown key or a
// value of the wrong type is a Problem naming file, line and key. It keeps
// going after a problem so that all of them are reported at once.
type decoder struct {
	file     string
	problems []Problem
	lines    map[string]int // YAML path → line of its key, for later messages
}

func (d *decoder) note(path string, line int) {
	if d.lines == nil {
		d.lines = make(map[string]int)
	}
	d.lines[path] = line
}

func (d *decoder) add(line int, key, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// decode fills the targets (pointers to structs) from a mapping node; each
// key goes to the first target that has a field for it.
func (d *decoder) decode(node *yaml.Node, path string, targets ...any) {
	if node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return
	}
	if node.Kind != yaml.MappingNode {
		d.add(node.Line, path, "must be a mapping of keys, not %s", kindName(node))
		return
	}
	fields := map[string]reflect.Value{}
	var names []string
	for _, t := range targets {
		collectFields(reflect.ValueOf(t).Elem(), fields, &names)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		key := join(path, k.Value)
		if prev, dup := seen[k.Value]; dup {
			d.add(k.Line, key, "given twice (first on line %d)", prev)
			continue
		}
		seen[k.Value] = k.Line
		d.note(key, k.Line)
		f, ok := fields[k.Value]
		if !ok {
			sort.Strings(names)
			d.add(k.Line, key, "unknown key (known keys here: %s)", strings.Join(names, ", "))
			continue
		}
		d.value(v, key, f)
	}
}

// value decodes one node into a field, recursing into structs and slices.
func (d *decoder) value(v *yaml.Node, key string, f reflect.Value) {
	t := f.Type()
	custom := isCustom(t)
	switch {
	case t == durationType:
		// One syntax everywhere (30d, 2w, 12h), errors in words.
		if v.Kind != yaml.ScalarNode {
			d.add(v.Line, key, "ожидается длительность, например %s, получено %s (expected a duration such as %s)", duration.Example, gotWords(v), duration.Example)
			return
		}
		dur, err := duration.Parse(v.Value)
		if err != nil {
			d.add(v.Line, key, "%v", err)
			return
		}
		f.SetInt(int64(dur))
		return
	case custom:
	case t.Kind() == reflect.Struct && t.String() != "time.Time":
		d.decode(v, key, f.Addr().Interface())
		return
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		if v.Tag == "!!null" {
			return
		}
		if f.IsNil() {
			f.Set(reflect.New(t.Elem()))
		}
		d.decode(v, key, f.Interface())
		return
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		if v.Kind != yaml.SequenceNode {
			d.add(v.Line, key, "must be a list, not %s", kindName(v))
			return
		}
		s := reflect.MakeSlice(t, len(v.Content), len(v.Content))
		for i, item := range v.Content {
			d.decode(item, fmt.Sprintf("%s[%d]", key, i), s.Index(i).Addr().Interface())
		}
		f.Set(s)
		return
	}
	if err := v.Decode(f.Addr().Interface()); err != nil {
		if ru, en := typeWords(t); ru != "" && !custom {
			d.add(v.Line, key, "ожидается %s, получено %s (expected %s)", ru, gotWords(v), en)
			return
		}
		d.add(v.Line, key, "%s", cleanYAMLError(err))
	}
}

// typeWords names what a field of type t wants, for people (Russian,
// English); "" when Go's own message is all there is.
func typeWords(t reflect.Type) (ru, en string) {
	switch t.Kind() {
	case reflect.Bool:
		return "true или false", "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "целое число", "a whole number"
	case reflect.Float32, reflect.Float64:
		return "число", "a number"
	case reflect.String:
		return "строка", "a string"
	case reflect.Slice:
		if ru, en := typeWords(t.Elem()); ru != "" && !isCustom(t.Elem()) {
			return "список, в нём " + ru, "a list, each " + en
		}
	case reflect.Map:
		if ru, en := typeWords(t.Elem()); ru != "" && !isCustom(t.Elem()) {
			return "словарь ключей, значения: " + ru, "a mapping of keys, each value " + en
		}
	}
	return "", ""
}

func isCustom(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)
}

// gotWords says what was given instead, in Russian.
func gotWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "список"
	case yaml.MappingNode:
		return "словарь ключей"
	case yaml.ScalarNode:
		return rules.Excerpt(n.Value)
	}
	return "другое"
}

// collectFields maps yaml key names to the struct's fields (inline ones
// flattened).
func collectFields(v reflect.Value, into map[string]reflect.Value, names *[]string) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			collectFields(v.Field(i), into, names)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		if _, dup := into[name]; !dup {
			into[name] = v.Field(i)
			*names = append(*names, name)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return "the value " + rules.Excerpt(n.Value)
	}
	return "something else"
}

// cleanYAMLError turns "yaml: unmarshal errors:\n  line 3: cannot …" into
// "cannot …": the caller adds file, line and key itself.
func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "line ") {
		if _, rest, ok := strings.Cut(s, ": "); ok {
			s = rest
		}
	}
	s = strings.TrimPrefix(s, "yaml: ")
	return s
}
