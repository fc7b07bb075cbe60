package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestAuditFormat_Default(t *testing.T) {
	tests := []struct {
		flag     string
		terminal bool
		want     string
		bad      bool
	}{
		{"", true, formatTable, false},
		{"", false, formatJSONL, false}, // piped: today's JSON Lines shape
		{"csv", true, formatCSV, false},
		{"jsonl", true, formatJSONL, false},
		{"table", false, formatTable, false},
		{"xml", true, "", true},
	}
	for _, tt := range tests {
		got, err := auditFormat(tt.flag, tt.terminal)
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("auditFormat(%q, %v) = %q, %v; want %q", tt.flag, tt.terminal, got, err, tt.want)
		}
	}
}

func auditDecisions() []*moderation.Decision {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.Local)
	return []*moderation.Decision{
		{ID: 1, DecidedAt: at, Verdict: moderation.Allow, DecidedBy: "auto",
			Comment: moderation.Comment{Account: "admin-vk", Text: "Когда откроют каток\nв парке?",
				Author: moderation.Author{ID: "101", Name: "Анна Смирнова"}}},
		{ID: 2, DecidedAt: at.Add(time.Minute), Verdict: moderation.Delete, DecidedBy: "auto",
			Matches: []moderation.Match{{Rule: "spam.casino", Action: moderation.Delete, Reason: "реклама казино/ставок: казино"}},
			Comment: moderation.Comment{Account: "admin-vk", Text: "Лучшее казино города \x1b[2J жми",
				Author: moderation.Author{ID: "102", Name: "🎰🎰 Бонус"}}},
		{ID: 3, DecidedAt: at.Add(2 * time.Minute), Verdict: moderation.Review, DecidedBy: "auto",
			Review:  &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Allow, By: "tg:1"},
			Matches: []moderation.Match{{Rule: "insult.soft", Action: moderation.Review, Reason: "возможное оскорбление"}},
			Comment: moderation.Comment{Account: "admin-ok", Text: "Депутаты опять спят",
				Author: moderation.Author{ID: "103"}}},
	}
}

func eachOf(ds []*moderation.Decision) func(func(*moderation.Decision) error) error {
	return func(fn func(*moderation.Decision) error) error {
		for _, d := range ds {
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	}
}

// The table is for people: Russian reasons and verdicts, one line per
// decision, columns aligned by what the terminal shows (emoji are two
// columns wide), no escape sequence from a citizen's text reaching it.
func TestWriteAuditTable_AlignedRussian(t *testing.T) {
	var out bytes.Buffer
	if err := writeAuditTable(&out, true, eachOf(auditDecisions())); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	t.Logf("\n%s", got)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want a header and 3 rows", len(lines))
	}
	for _, want := range []string{"ВРЕМЯ", "ПРИЧИНА", "реклама казино/ставок", "удалён", "оставлен (модератор)",
		"2026-11-02 09:31", "Когда откроют каток в парке?", "103"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if strings.Contains(got, "\x1b") {
		t.Error("an escape sequence from the comment reached the terminal")
	}
	// A column starts at the same display column on every line.
	col := func(line, cell string) int {
		i := strings.Index(line, cell)
		if i < 0 {
			t.Fatalf("%q not in %q", cell, line)
		}
		return displayWidth(line[:i])
	}
	cells := [][]string{
		{"ВЕРДИКТ", "оставлен", "удалён", "оставлен (модератор)"},
		{"АВТОР", "Анна Смирнова", "🎰🎰 Бонус", "103"},
		{"ТЕКСТ", "Когда откроют", "Лучшее казино", "Депутаты"},
	}
	for _, c := range cells {
		want := col(lines[0], c[0])
		for i, cell := range c[1:] {
			if got := col(lines[i+1], cell); got != want {
				t.Errorf("row %d: %q starts at column %d, its header at %d", i+1, cell, got, want)
			}
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"абв", 3}, {"abc", 3}, {"🎰", 2}, {"е\u0301", 1}, {"中文", 4}, {"", 0},
	}
	for _, tt := range tests {
		if got := displayWidth(tt.s); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
	if got := fitWidth("Жители просят починить дорогу", 10); displayWidth(got) > 10 || !strings.HasSuffix(got, "…") {
		t.Errorf("fitWidth = %q", got)
	}
}

// Piped output keeps today's JSON Lines shape, one object per decision.
func TestWriteAudit_JSONLShapeKept(t *testing.T) {
	var out bytes.Buffer
	if err := writeAudit(&out, formatJSONL, eachOf(auditDecisions())); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "decided_at", "account", "verdict", "engine_verdict", "rules", "reason", "text"} {
		if _, ok := m[k]; !ok {
			t.Errorf("jsonl lacks %q: %v", k, m)
		}
	}
}

// A typo in -account used to print nothing, as if the page had no
// decisions.
func TestAudit_UnknownAccount(t *testing.T) {
	cfg, _ := stoppedConfig(t, nil)
	_, errOut, code := runCLI(context.Background(), "audit", "-config", cfg, "-account", "pgae")
	if code != 1 || !strings.Contains(errOut, `"pgae"`) || !strings.Contains(errOut, "known: page") {
		t.Errorf("code %d, stderr %q; want an error naming the known accounts", code, errOut)
	}
	_, errOut, code = runCLI(context.Background(), "audit", "-config", cfg, "-format", "xml")
	if code != 2 || !strings.Contains(errOut, "table, jsonl or csv") {
		t.Errorf("-format xml: code %d, %q", code, errOut)
	}
}
