package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation"
)

// FileError is a problem in a rule file: which file, which line and which
// key. Load returns them joined with errors.Join.
type FileError struct {
	File string
	Line int
	Key  string // YAML path of the offending key: "rules[2].when.any[0].lexicon"
	Err  error
}

func (e *FileError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Key, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// fileSpec is one rule file as written.
type fileSpec struct {
	name     string // shown in errors: a path or "builtin:ru/spam.yaml"
	pack     string
	lexicons []lexSpec
	rules    []*ruleSpec
	examples examplesSpec
}

type lexSpec struct {
	name    string
	line    int
	entries []entrySpec
}

type entrySpec struct {
	src  string
	line int
	key  string
}

type ruleSpec struct {
	id, label, action, reason string
	banFor                    time.Duration
	priority                  int
	stop, urgent, exempt      bool
	enabled                   bool
	district                  bool // ban_scope: district
	accounts                  []string
	escalate                  *escalation
	when                      *yaml.Node
	examples                  examplesSpec
	line                      int
	key                       string
}

type examplesSpec struct {
	match, noMatch []entrySpec
}

type decoder struct {
	file string
	errs []error
}

func (d *decoder) fail(n *yaml.Node, key string, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &FileError{File: d.file, Line: line, Key: key, Err: fmt.Errorf(format, args...)})
}

// mapping iterates the key/value pairs of a mapping node, reporting keys
// outside allowed.
func (d *decoder) mapping(n *yaml.Node, key string, allowed []string, fn func(k string, kn, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, key, "want a mapping, got %s", kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, v := n.Content[i], n.Content[i+1]
		k := kn.Value
		sub := join(key, k)
		if allowed != nil && !contains(allowed, k) {
			d.fail(kn, sub, "unknown key %q (known: %s)", k, strings.Join(allowed, ", "))
			continue
		}
		if seen[k] {
			d.fail(kn, sub, "duplicate key")
			continue
		}
		seen[k] = true
		fn(k, kn, v)
	}
}

func join(key, k string) string {
	if key == "" {
		return k
	}
	return key + "." + k
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// excerptLen is how much of a value an error shows: enough to recognise a
// typo, too little to leak a token from a file named by mistake.
const excerptLen = 8

// Excerpt quotes at most excerptLen characters of a value read from a file,
// non-printable ones as '?', with the length when it cut: what an error may
// show of a value (the config loader's errors use it too).
func Excerpt(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == excerptLen {
			return fmt.Sprintf("%q (%d characters)", b.String()+"…", utf8.RuneCountInString(s))
		}
		if !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return fmt.Sprintf("%q", b.String())
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return Excerpt(n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, key, "want a string, got %s", kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) strList(n *yaml.Node, key string) []entrySpec {
	if n.Kind == yaml.ScalarNode {
		return []entrySpec{{src: n.Value, line: n.Line, key: key}}
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, key, "want a list of strings, got %s", kindName(n))
		return nil
	}
	out := make([]entrySpec, 0, len(n.Content))
	for i, c := range n.Content {
		k := fmt.Sprintf("%s[%d]", key, i)
		if s, ok := d.str(c, k); ok {
			out = append(out, entrySpec{src: s, line: c.Line, key: k})
		}
	}
	return out
}

func (d *decoder) boolean(n *yaml.Node, key string) (bool, bool) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		d.fail(n, key, "want true or false, got %s", kindName(n))
		return false, false
	}
	return b, true
}

func (d *decoder) integer(n *yaml.Node, key string, minVal int) (int, bool) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.fail(n, key, "want a whole number, got %s", kindName(n))
		return 0, false
	}
	if v < minVal {
		d.fail(n, key, "must be >= %d", minVal)
		return 0, false
	}
	return v, true
}

func (d *decoder) number(n *yaml.Node, key string, lo, hi float64) (float64, bool) {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		d.fail(n, key, "want a number, got %s", kindName(n))
		return 0, false
	}
	if v < lo || v > hi {
		d.fail(n, key, "must be between %g and %g", lo, hi)
		return 0, false
	}
	return v, true
}

// parseDuration reads the project's one duration syntax (package
// duration: 90s, 12h, 30d, 2w, 1y); "forever" and an empty value are 0,
// as ban_for always took them.
func parseDuration(s string) (time.Duration, error) {
	if t := strings.TrimSpace(s); t == "forever" || t == "" {
		return 0, nil
	}
	return duration.Parse(s)
}

func (d *decoder) duration(n *yaml.Node, key string) (time.Duration, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := parseDuration(s)
	if err != nil {
		d.fail(n, key, "%v", err)
		return 0, false
	}
	return v, true
}

func parseAction(s string) (moderation.Verdict, error) {
	if isTag(s) {
		return moderation.Allow, nil
	}
	v, err := moderation.ParseVerdict(s)
	if err != nil {
		return v, fmt.Errorf("unknown action %q (want allow, review, delete, ban or tag)", s)
	}
	return v, nil
}

// ActionTag is the rule action that only tags a comment: the match and
// its label are recorded, the verdict is left alone (appeals).
const ActionTag = "tag"

func isTag(s string) bool { return strings.EqualFold(strings.TrimSpace(s), ActionTag) }

var fileKeys = []string{"pack", "description", "lexicons", "rules", "examples"}
var ruleKeys = []string{"id", "description", "label", "action", "ban_for", "ban_scope", "priority", "stop", "urgent",
	"reason", "escalate", "accounts", "exempt", "enabled", "when", "examples"}
var escalateKeys = []string{"after", "within", "action", "ban_for"}
var exampleKeys = []string{"match", "no_match"}

// decodeFile parses one rule file.
func decodeFile(name string, data []byte) (*fileSpec, error) {
	d := &decoder{file: name}
	// One decoder for both documents: the file is parsed once.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		line, msg := YAMLSyntax(data, err)
		return nil, &FileError{File: name, Line: line, Err: errors.New(msg)}
	}
	if line := secondDocument(dec, data); line > 0 {
		return nil, &FileError{File: name, Line: line,
			Err: errors.New("a second YAML document (---): a rule file is one document, and the rules after this line would be ignored; remove the ---")}
	}
	fs := &fileSpec{name: name}
	if len(root.Content) == 0 {
		return fs, nil
	}
	if top := root.Content[0]; top.Kind != yaml.MappingNode {
		// A token or key file named by mistake parses as one string.
		return nil, &FileError{File: name, Line: top.Line,
			Err: fmt.Errorf("not a rule file: want a YAML mapping (pack:, lexicons:, rules:), got %s", kindName(top))}
	}
	d.mapping(root.Content[0], "", fileKeys, func(k string, kn, v *yaml.Node) {
		switch k {
		case "pack":
			fs.pack, _ = d.str(v, k)
		case "description":
		case "lexicons":
			d.mapping(v, k, nil, func(name string, kn, lv *yaml.Node) {
				fs.lexicons = append(fs.lexicons, lexSpec{name: name, line: kn.Line, entries: d.strList(lv, join(k, name))})
			})
		case "rules":
			if v.Kind != yaml.SequenceNode {
				d.fail(v, k, "want a list of rules, got %s", kindName(v))
				return
			}
			for i, rn := range v.Content {
				if r := d.rule(rn, fmt.Sprintf("rules[%d]", i)); r != nil {
					fs.rules = append(fs.rules, r)
				}
			}
		case "examples":
			fs.examples = d.examples(v, k)
		}
	})
	return fs, errors.Join(d.errs...)
}

// secondDocument returns the line of the "---" that starts a second YAML
// document with content in data, whose first document dec has read, or 0:
// yaml.Unmarshal reads the first document and drops the rest without a
// word. A trailing "---" with nothing after it is no second document.
func secondDocument(dec *yaml.Decoder, data []byte) int {
	var second yaml.Node
	if dec.Decode(&second) != nil || len(second.Content) == 0 {
		return 0
	}
	c := second.Content[0]
	if c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == "" {
		return 0
	}
	// The marker is the last "---" line before the second document's content.
	lines := strings.Split(string(data), "\n")
	for i := min(c.Line, len(lines)) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "---") {
			return i + 1
		}
	}
	return c.Line
}

// YAMLSyntax explains a YAML parse error of data for people: the line
// (1 when the parser gave none) and the message without "yaml: line N:".
// A tab in the indentation, which YAML forbids, is named as a tab with its
// own line: the parser's messages for it point elsewhere and never say tab.
func YAMLSyntax(data []byte, err error) (int, string) {
	for i, l := range strings.Split(string(data), "\n") {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") && strings.TrimSpace(l) != "" {
			return i + 1, "табуляция в отступе: YAML допускает только пробелы (a tab in the indentation: YAML indents with spaces only)"
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if _, e := fmt.Sscanf(msg, "line %d:", &line); e == nil {
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			msg = rest
		}
	}
	return max(line, 1), msg
}

func (d *decoder) examples(n *yaml.Node, key string) examplesSpec {
	var ex examplesSpec
	d.mapping(n, key, exampleKeys, func(k string, kn, v *yaml.Node) {
		l := d.strList(v, join(key, k))
		if k == "match" {
			ex.match = l
		} else {
			ex.noMatch = l
		}
	})
	return ex
}

func (d *decoder) rule(n *yaml.Node, key string) *ruleSpec {
	r := &ruleSpec{line: n.Line, key: key, enabled: true, action: "review"}
	nerr := len(d.errs)
	d.mapping(n, key, ruleKeys, func(k string, kn, v *yaml.Node) {
		sub := join(key, k)
		switch k {
		case "id":
			r.id, _ = d.str(v, sub)
		case "description":
		case "label":
			r.label, _ = d.str(v, sub)
		case "action":
			if s, ok := d.str(v, sub); ok {
				if _, err := parseAction(s); err != nil {
					d.fail(v, sub, "%v", err)
				}
				r.action = s
			}
		case "ban_for":
			r.banFor, _ = d.duration(v, sub)
		case "ban_scope":
			switch s, _ := d.str(v, sub); s {
			case "page":
			case "district":
				r.district = true
			default:
				d.fail(v, sub, "want page or district, got %q", s)
			}
		case "priority":
			v2, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				d.fail(v, sub, "want a whole number, got %s", kindName(v))
			}
			r.priority = v2
		case "stop":
			r.stop, _ = d.boolean(v, sub)
		case "urgent":
			r.urgent, _ = d.boolean(v, sub)
		case "exempt":
			r.exempt, _ = d.boolean(v, sub)
		case "enabled":
			r.enabled, _ = d.boolean(v, sub)
		case "reason":
			r.reason, _ = d.str(v, sub)
		case "accounts":
			for _, e := range d.strList(v, sub) {
				r.accounts = append(r.accounts, e.src)
			}
		case "escalate":
			esc := &escalation{after: 1, action: moderation.Ban}
			d.mapping(v, sub, escalateKeys, func(k2 string, kn2, v2 *yaml.Node) {
				s2 := join(sub, k2)
				switch k2 {
				case "after":
					esc.after, _ = d.integer(v2, s2, 1)
				case "within":
					esc.within, _ = d.duration(v2, s2)
				case "action":
					if s, ok := d.str(v2, s2); ok {
						a, err := moderation.ParseVerdict(s)
						if err != nil {
							d.fail(v2, s2, "%v", err)
						}
						esc.action = a
					}
				case "ban_for":
					esc.banFor, _ = d.duration(v2, s2)
				}
			})
			r.escalate = esc
		case "when":
			r.when = v
		case "examples":
			r.examples = d.examples(v, sub)
		}
	})
	if r.id == "" && len(d.errs) == nerr {
		d.fail(n, key, "rule has no id")
	}
	if r.when == nil && len(d.errs) == nerr {
		d.fail(n, key, "rule has no when")
	}
	if isTag(r.action) {
		// A tag never decides: nothing that only a verdict uses may go with it.
		for _, bad := range []struct {
			set  bool
			name string
		}{{r.stop, "stop"}, {r.urgent, "urgent"}, {r.escalate != nil, "escalate"}, {r.banFor != 0, "ban_for"}, {r.district, "ban_scope"}} {
			if bad.set {
				d.fail(n, join(key, bad.name), "%s has no meaning for action: tag (a tag records a label, it never decides)", bad.name)
			}
		}
	}
	if len(d.errs) > nerr {
		return nil
	}
	return r
}
