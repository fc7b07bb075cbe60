package main

import (
	"context"
	"strings"
	"testing"
)

func TestRussianLocale(t *testing.T) {
	tests := []struct {
		all, messages, lang string
		want                bool
	}{
		{"", "", "ru_RU.UTF-8", true},
		{"", "", "en_US.UTF-8", false},
		{"", "", "", false},
		{"C", "", "ru_RU.UTF-8", false}, // LC_ALL wins
		{"", "ru_RU.UTF-8", "en_US.UTF-8", true},
		{"ru_RU.UTF-8", "en_US.UTF-8", "en_US.UTF-8", true},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.all)
		t.Setenv("LC_MESSAGES", tt.messages)
		t.Setenv("LANG", tt.lang)
		if got := russianLocale(); got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: %v", tt.all, tt.messages, tt.lang, got)
		}
	}
}

func TestHelp_FollowsLocale(t *testing.T) {
	tests := []struct {
		lang string
		args []string
		want []string
	}{
		{"ru_RU.UTF-8", []string{"help"}, []string{"Использование: strazh <команда>", "запустить демон", "просмотр и выгрузка решений"}},
		{"en_US.UTF-8", []string{"help"}, []string{"Usage: strazh <command>", "run the daemon"}},
		{"ru_RU.UTF-8", []string{"audit", "-h"}, []string{"Использование: strazh audit", "Флаги:", "только эта страница", "-config файл"}},
		{"ru_RU.UTF-8", []string{"run", "-h"}, []string{"Запускает демон", "`файл` конфигурации"[1:5]}},
		{"C", []string{"audit", "-h"}, []string{"Usage: strazh audit", "only this account"}},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tt.lang)
		out, errOut, code := runCLI(context.Background(), tt.args...)
		if code != 0 {
			t.Errorf("%v: exit %d", tt.args, code)
		}
		for _, w := range tt.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("LANG=%s %v lacks %q:\n%s%s", tt.lang, tt.args, w, out, errOut)
			}
		}
	}
}

// Every operator command's help is Russian throughout, not half translated.
func TestHelp_OperatorCommandsTranslated(t *testing.T) {
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
	for _, c := range commands() {
		if _, ok := helpRU[c.summary]; !ok {
			t.Errorf("command %s: summary %q has no Russian", c.name, c.summary)
		}
	}
	for _, name := range []string{"run", "demo", "audit", "blacklist", "review", "version", "sim", "check", "doctor",
		"db check", "db backup", "db restore", "db compact", "registry", "report", "users add", "users passwd", "users remove", "users list"} {
		_, errOut, _ := runCLI(context.Background(), append(strings.Fields(name), "-h")...)
		for _, line := range strings.Split(errOut, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "-") || strings.TrimSpace(line) == "" {
				continue // flag names and blank lines
			}
			if !strings.ContainsAny(line, "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ") {
				t.Errorf("strazh %s -h: untranslated line %q", name, line)
			}
		}
	}
}
