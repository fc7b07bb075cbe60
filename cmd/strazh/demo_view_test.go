package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/connectors/sim/simtest"
	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// demoFeed plays decisions into a view: ten rules fire (the old summary cut
// after eight), two reviews are decided by the moderator, one stays.
func demoFeed(v *demoView) {
	id := uint64(0)
	mk := func(verdict moderation.Verdict, rules ...string) *moderation.Decision {
		id++
		d := &moderation.Decision{ID: id, Verdict: verdict,
			Comment: moderation.Comment{Text: "текст " + strconv.Itoa(int(id)), Author: moderation.Author{ID: "1", Name: "Житель"}}}
		for _, r := range rules {
			d.Matches = append(d.Matches, moderation.Match{Rule: r, Action: verdict, Reason: "причина " + r + ": «слово»", Matched: "слово"})
		}
		return d
	}
	for i := 0; i < 4; i++ {
		v.decision(mk(moderation.Allow))
	}
	for i := 0; i < 10; i++ {
		v.decision(mk(moderation.Delete, fmt.Sprintf("rule.r%02d", i)))
	}
	for _, to := range []moderation.Verdict{moderation.Ban, moderation.Allow, moderation.Review} {
		d := mk(moderation.Review, "review.doubt")
		v.decision(d)
		if to != moderation.Review {
			d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: to, ByName: "Мария"}
			v.decision(d)
		}
	}
}

// The summary speaks one language, lists every rule that fired with its
// reason, and its counts add up: first verdicts and final outcomes each
// sum to the comments decided.
func TestDemoView_Summary(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			var out bytes.Buffer
			v := newDemoView(&out, lang)
			demoFeed(v)
			out.Reset()
			v.summary(11, 1, 20)
			got := out.String()
			t.Logf("\n%s", got)
			for i := 0; i < 10; i++ {
				if !strings.Contains(got, fmt.Sprintf("rule.r%02d", i)) {
					t.Errorf("rule.r%02d fired but is not in the summary", i)
				}
			}
			if !strings.Contains(got, "причина rule.r09") || strings.Contains(got, "«слово»") {
				t.Error("a rule's reason is missing, or shown with one comment's match")
			}
			tx := demoTexts[lang]
			sums := regexp.MustCompile(`(\d+) · .* (\d+) · .* (\d+) · .* (\d+)  \(\S+ (\d+)\)`)
			lines := map[string][]int{}
			for _, l := range strings.Split(got, "\n") {
				for _, p := range []string{tx.first, tx.final} {
					if strings.HasPrefix(l, p) {
						m := sums.FindStringSubmatch(l)
						if m == nil {
							t.Fatalf("cannot read %q", l)
						}
						for _, s := range m[1:] {
							n, _ := strconv.Atoi(s)
							lines[p] = append(lines[p], n)
						}
					}
				}
			}
			want := map[string][]int{tx.first: {4, 3, 10, 0, 17}, tx.final: {5, 1, 10, 1, 17}}
			for p, w := range want {
				if fmt.Sprint(lines[p]) != fmt.Sprint(w) {
					t.Errorf("%q: %v, want %v", p, lines[p], w)
				}
			}
			cyr := regexp.MustCompile(`[А-Яа-яЁё]`)
			for _, l := range strings.Split(got, "\n") {
				if strings.Contains(l, "rule.") || strings.Contains(l, "review.doubt") {
					continue // the rules' own reasons are Russian
				}
				if lang == "en" && cyr.MatchString(l) {
					t.Errorf("English summary has Russian: %q", l)
				}
				if lang == "ru" && regexp.MustCompile(`\b(comments|review chat|authors|summary)\b`).MatchString(strings.ToLower(l)) {
					t.Errorf("Russian summary has English: %q", l)
				}
			}
		})
	}
}

// Decision lines show the Russian reason, not the rule id, and line up
// whatever the name's letters.
func TestDemoView_DecisionLines(t *testing.T) {
	var out bytes.Buffer
	v := newDemoView(&out, "ru")
	v.now = func() time.Time { return time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC) }
	for i, name := range []string{"Ирина", "🎉 Праздник 🎉", "Bob"} {
		v.decision(&moderation.Decision{ID: uint64(i + 1), Verdict: moderation.Delete,
			Matches: []moderation.Match{{Rule: "spam.casino", Reason: "реклама казино/ставок: казино"}},
			Comment: moderation.Comment{Text: "Казино", Author: moderation.Author{Name: name}}})
	}
	v.decision(&moderation.Decision{ID: 9, Verdict: moderation.Delete,
		Matches: []moderation.Match{{Rule: "spam.casino", Reason: "реклама казино/ставок: казино"}, {Rule: "spam.links", Reason: "много ссылок"}},
		Comment: moderation.Comment{Text: "Казино", Author: moderation.Author{Name: "Ставки"}}})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasSuffix(lines[3], "— реклама казино/ставок: казино (и ещё правил: 1)") {
		t.Errorf("two rules: %q", lines[3])
	}
	for _, l := range lines {
		if strings.Contains(l, "%!") {
			t.Errorf("format error in %q", l)
		}
		if strings.Contains(l, "[spam.casino]") || !strings.Contains(l, "реклама казино/ставок") {
			t.Errorf("line %q: want the reason, not the rule id", l)
		}
		if got, want := displayWidth(l[:strings.Index(l, "«")]), displayWidth(lines[0][:strings.Index(lines[0], "«")]); got != want {
			t.Errorf("line %q: text starts at column %d, want %d", l, got, want)
		}
	}
}

func TestSelfCommandFor(t *testing.T) {
	found := func(p string) func(string) (string, error) {
		return func(string) (string, error) { return p, nil }
	}
	missing := func(string) (string, error) { return "", os.ErrNotExist }
	tests := []struct {
		name, arg0, exe string
		look            func(string) (string, error)
		want            string
	}{
		{"relative path as typed", "./bin/strazh", "/src/strazh/bin/strazh", missing, "./bin/strazh"},
		{"on PATH", "strazh", "/usr/bin/strazh", found("/usr/bin/strazh"), "strazh"},
		{"not on PATH", "strazh", "/opt/s/strazh", missing, "/opt/s/strazh"},
		{"another strazh on PATH", "strazh", "/opt/s/strazh", found("/usr/bin/strazh"), "/opt/s/strazh"},
		{"go run", "/tmp/go-build123/b001/exe/strazh", "/tmp/go-build123/b001/exe/strazh", missing, "go run ./cmd/strazh"},
		{"space in path", "./my bin/strazh", "/x/my bin/strazh", missing, `'./my bin/strazh'`},
	}
	for _, tt := range tests {
		if got := selfCommandFor(tt.arg0, tt.exe, "/tmp", tt.look); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The VK fake's admins (the user token's owner and the one who bans "by
// hand") are nobody in the script: the old default admin 100 made its
// by-hand admin 101, the first citizen.
func TestVKDemo_AdminIsNoCitizen(t *testing.T) {
	script, err := parseDemoScript(demoScript)
	if err != nil {
		t.Fatal(err)
	}
	net, err := newVKDemo()
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	srv := net.(*vkDemo).srv
	for _, l := range script {
		if l.author == srv.AdminID() || l.author == srv.HandAdminID() {
			t.Errorf("citizen %d %s has the fake admin's id", l.author, l.name)
		}
	}
}

// -metrics and -language reach the demo's configuration.
func TestWriteDemoConfig_Settings(t *testing.T) {
	dir := t.TempDir()
	net := &simDemo{srv: simtest.New()}
	defer net.Close()
	tg := telegramtest.New("")
	defer tg.Close()
	path, err := writeDemoConfig(dir, []demoPage{{"sim", net}}, tg, demoSettings{metrics: "127.0.0.1:9464", language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range net.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("STRAZH_DEMO_TELEGRAM_TOKEN", tg.Token())
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metrics.Listen != "127.0.0.1:9464" || cfg.Telegram.Language != "en" || filepath.Dir(path) != dir {
		t.Errorf("metrics %q, language %q", cfg.Metrics.Listen, cfg.Telegram.Language)
	}
}

// -dir may name a directory that does not exist yet (the demo failed
// with "open DIR/config.yaml: no such file or directory").
func TestDemoDir_Created(t *testing.T) {
	want := filepath.Join(t.TempDir(), "new", "state")
	dir, err := demoDir(want)
	if err != nil || dir != want {
		t.Fatalf("demoDir = %q, %v", dir, err)
	}
	tg := telegramtest.New("")
	defer tg.Close()
	net := &simDemo{srv: simtest.New()}
	defer net.Close()
	if _, err := writeDemoConfig(dir, []demoPage{{"sim", net}}, tg, demoSettings{language: "ru"}); err != nil {
		t.Fatal(err)
	}
	if tmp, err := demoDir(""); err != nil || !strings.Contains(tmp, "strazh-demo-") {
		t.Errorf("demoDir(\"\") = %q, %v", tmp, err)
	} else {
		os.RemoveAll(tmp)
	}
}

// Every text of the demo exists in both languages.
func TestDemoTexts_Complete(t *testing.T) {
	for lang, tx := range demoTexts {
		v := reflect.ValueOf(tx)
		for i := range v.NumField() {
			f := v.Field(i)
			if (f.Kind() == reflect.String && f.String() == "") || (f.Kind() == reflect.Map && f.Len() != 4) {
				t.Errorf("%s: %s is missing", lang, v.Type().Field(i).Name)
			}
		}
	}
}

// A model rule's reason in the summary carries no one comment's scores.
func TestBareReason_ModelScoresLeftOut(t *testing.T) {
	for _, c := range []struct {
		m    moderation.Match
		want string
	}{
		{moderation.Match{Rule: "model.score", Reason: "модель: toxic 0.09 · spam 0.00"}, "модель"},
		{moderation.Match{Rule: "model.spam", Reason: "модель: похоже на спам (spam 1.00)"}, "модель: похоже на спам"},
		{moderation.Match{Rule: "obscenity.mat", Reason: "мат: «x»", Matched: "x"}, "мат"},
		{moderation.Match{Rule: "spam.offer", Reason: "похоже на рекламу"}, "похоже на рекламу"},
	} {
		if got := bareReason(c.m); got != c.want {
			t.Errorf("bareReason(%q) = %q, want %q", c.m.Reason, got, c.want)
		}
	}
}

// -network all: one page of every simulated network in one configuration
// that loads, and the script's comments spread over them in turn.
func TestDemoPages_All(t *testing.T) {
	pages, err := demoPages("all")
	if err != nil {
		t.Fatal(err)
	}
	net := multiDemo(pages)
	defer net.Close()
	if len(pages) != len(demoNets)+1 {
		t.Fatalf("%d pages, want sim and every demo network (%v)", len(pages), demoNetNames())
	}
	tg := telegramtest.New("")
	defer tg.Close()
	path, err := writeDemoConfig(t.TempDir(), pages, tg, demoSettings{language: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range net.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("STRAZH_DEMO_TELEGRAM_TOKEN", tg.Token())
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range cfg.Accounts {
		got = append(got, a.Network)
	}
	if len(got) != len(pages) {
		t.Fatalf("accounts %v, want one per page", got)
	}
	if _, err := demoPages("nosuch"); err == nil {
		t.Error("an unknown network accepted")
	}
}
