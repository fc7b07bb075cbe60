package main

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// logKeys returns the keys of one slog text-handler line, in order.
func logKeys(line string) []string {
	var keys []string
	for i := 0; i < len(line); {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		eq := strings.IndexByte(line[i:], '=')
		if eq < 0 {
			break
		}
		keys = append(keys, line[i:i+eq])
		i += eq + 1
		if i < len(line) && line[i] == '"' { // a quoted value, with \" escapes
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' {
					i++
				}
			}
			i++
			continue
		}
		for i < len(line) && line[i] != ' ' {
			i++
		}
	}
	return keys
}

// Defect 9: the wiring and the reviewer both added component=telegram (and
// the wiring and a connector both network and account), so lines read
// "component=telegram component=telegram". Each attribute appears once.
func TestDaemon_LogAttributesOnce(t *testing.T) {
	r := newReviewRig(t)
	r.net.Post("p1", "u81", "Пётр", threat)
	m := r.card(t, "убью")
	stranger := telegramtest.User{ID: 999, FirstName: "Чужой"}
	if err := r.tg.Press(e2eChat, m.ID, "Удалить", stranger); err != nil { // logged at warn
		t.Fatal(err)
	}
	waitFor(t, "the refusal logged", func() bool { return strings.Contains(r.logs.String(), "not a moderator") })
	r.stop()
	var telegram int
	for _, line := range strings.Split(strings.TrimSpace(r.logs.String()), "\n") {
		seen := make(map[string]bool)
		for _, k := range logKeys(line) {
			if seen[k] {
				t.Errorf("attribute %s twice: %s", k, line)
			}
			seen[k] = true
		}
		if strings.Contains(line, "component=telegram") {
			telegram++
		}
	}
	if telegram == 0 {
		t.Fatal("no line of the reviewer carries component=telegram")
	}
}
