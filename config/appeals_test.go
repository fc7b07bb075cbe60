package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
)

func TestParse_Appeals(t *testing.T) {
	cfg, err := config.Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Appeals; !a.Enabled || a.Chat != 0 || a.AnswerWithin != 24*time.Hour || a.RemindBefore != 2*time.Hour {
		t.Errorf("default appeals = %+v", a)
	}
	cfg, err = config.Parse("c.yaml", []byte(base+"appeals: {answer_within: 12h, remind_before: 90m}\n"))
	if err != nil || cfg.Appeals.AnswerWithin != 12*time.Hour || cfg.Appeals.RemindBefore != 90*time.Minute {
		t.Fatalf("appeals = %+v, %v", cfg.Appeals, err)
	}
}

func TestParse_AppealsProblems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
		not        []string // problems that must not be reported
	}{
		// A bad deadline also blamed remind_before, a key not written,
		// with its default: «appeals.remind_before: 2h0m0s: want … less
		// than appeals.answer_within (10m0s)».
		{"deadline too short", "appeals: {answer_within: 10m}\n", []string{"c.yaml:7: appeals.answer_within: 10m: want between 1h and 30d"}, []string{"remind_before"}},
		{"reminder after the deadline", "appeals: {answer_within: 24h, remind_before: 25h}\n", []string{"appeals.remind_before: 25h: want more than 0 and less than appeals.answer_within (1d)"}, nil},
		{"no reminder", "appeals: {remind_before: 0s}\n", []string{"appeals.remind_before"}, nil},
		{"a chat without telegram", "appeals: {chat: -100123}\n", []string{"appeals.chat: cards go to a Telegram chat"}, nil},
		{"unknown key", "appeals: {sla: 24h}\n", []string{"appeals.sla: unknown key"}, nil},
		{"not a number", "appeals: {chat: general}\n", []string{"appeals.chat"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("c.yaml", []byte(base+tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error names %q:\n%v", w, err)
				}
			}
		})
	}
}
