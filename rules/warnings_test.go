package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEngine_Warnings(t *testing.T) {
	tests := []struct {
		name, src string
		accounts  []string
		want      []string // each must appear in one warning; none: no warning
	}{
		{"empty file", "# nothing yet\n", nil, []string{"x.yaml:1: файл правил пуст"}},
		{"delete rule without examples", "rules:\n  - id: a.del\n    action: delete\n    when: {regex: \"купи\"}\n", nil,
			[]string{"x.yaml:2: rules[0].examples: правило a.del удаляет"}},
		{"ban rule without examples", "rules:\n  - id: a.ban\n    action: ban\n    when: {regex: \"купи\"}\n", nil, []string{"rules[0].examples"}},
		{"delete rule with examples", "rules:\n  - id: a.del\n    action: delete\n    when: {regex: \"купи\"}\n    examples: {match: [\"купи слона\"]}\n", nil, nil},
		{"review rule without examples", "rules:\n  - id: a.rev\n    when: {regex: \"купи\"}\n", nil, nil},
		{"unknown account", "rules:\n  - id: a.rev\n    accounts: [admin-ok]\n    when: {regex: \"купи\"}\n", []string{"admin-vk"},
			[]string{`x.yaml:2: rules[0].accounts: правило a.rev относится к странице "admin-ok"`}},
		{"known account", "rules:\n  - id: a.rev\n    accounts: [admin-vk]\n    when: {regex: \"купи\"}\n", []string{"admin-vk"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.yaml")
			if err := os.WriteFile(p, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := Load(Config{Builtin: "none", Files: []string{p}}, ".")
			if err != nil {
				t.Fatal(err)
			}
			ws := e.Warnings(tt.accounts)
			var all []string
			for _, w := range ws {
				all = append(all, strings.Replace(w.Error(), p, "x.yaml", 1))
			}
			if len(tt.want) == 0 && len(ws) > 0 {
				t.Errorf("warnings %q, want none", all)
			}
			for _, w := range tt.want {
				if !strings.Contains(strings.Join(all, "\n"), w) {
					t.Errorf("warnings %q, want one with %q", all, w)
				}
			}
		})
	}
}

// The shipped packs give no warning: every check would print it.
func TestEngine_Warnings_BuiltinNone(t *testing.T) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range e.Warnings([]string{}) {
		t.Errorf("builtin: %v", w)
	}
}

func TestEngine_Warnings_Memory(t *testing.T) {
	e, err := compileSources([]source{{name: "big.yaml", data: genLexicon(1000)}}, Config{Builtin: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if ws := e.Warnings(nil); len(ws) != 0 {
		t.Fatalf("1000 entries: %v", ws)
	}
	// Pretend each entry is a thousand: the estimate crosses the line.
	for _, l := range e.lexicons {
		l.patterns = append(l.patterns, make([]*pattern, WarnMemoryBytes/LexiconEntryBytes)...)
	}
	ws := e.Warnings(nil)
	if len(ws) != 1 || !strings.Contains(ws[0].Error(), "big.yaml:3: lexicons.big: правила займут около") || !strings.Contains(ws[0].Error(), "МБ памяти") {
		t.Errorf("warnings %v", ws)
	}
}

func TestLoad_RuleFileSizeLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(p, []byte("# "+strings.Repeat("x", MaxFileBytes)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(Config{Builtin: "none", Files: []string{p}}, ".")
	if err == nil || !strings.Contains(err.Error(), "rules.files[0]") || !strings.Contains(err.Error(), "больше 8 МиБ") {
		t.Fatalf("Load: %v", err)
	}
}

func TestLoad_TabInIndentation(t *testing.T) {
	_, err := compileSources([]source{{name: "t.yaml", data: []byte("rules:\n  - id: a\n\twhen: {regex: x}\n")}}, Config{Builtin: "none"})
	if err == nil || !strings.Contains(err.Error(), "t.yaml:3: табуляция в отступе") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoad_DuplicateLexiconHasLine(t *testing.T) {
	a := source{name: "a.yaml", data: []byte("lexicons:\n  x: [один]\n")}
	b := source{name: "b.yaml", data: []byte("pack: b\nlexicons:\n  x: [два]\n")}
	_, err := compileSources([]source{a, b}, Config{Builtin: "none"})
	if err == nil || !strings.Contains(err.Error(), "b.yaml:3: lexicons.x: lexicon \"x\" already defined in a.yaml:2") {
		t.Fatalf("err = %v", err)
	}
}
