package rules

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// adversarial are texts built to make a scan do more than a pass: runs of
// dots and host bytes (bare-domain search), digit runs (phone search),
// repeated exceptions and hits (exception check), mentions, schemes,
// masked and stretched words.
var adversarial = []struct{ name, unit string }{
	{"cyrillic-dots", "х."},
	{"latin-dots", "a."},
	{"digits-spaced", "1 "},
	{"digits-dashed", "12-"},
	{"plus-digits", "+7"},
	{"mentions", "@ab "},
	{"emails", "a@b."},
	{"schemes", "http://a "},
	{"vk-markup", "[id1|"},
	{"exceptions", "застрахуй "},
	{"money", "0р "},
	{"masked", "х*"},
	{"letters", "аб"},
	{"stretched", "бля"},
	{"spaced-letters", "х у "},
	{"domains", "a.ru "},
	{"star-word", "пассивн"},
}

func repeatTo(unit string, runes int) string {
	return strings.Repeat(unit, runes/len([]rune(unit)))
}

// work evaluates one comment and returns the bytes the scans stepped over.
func (e *Engine) work(text string) int {
	s := e.pool.Get().(*state)
	var res moderation.Result
	c := moderation.Comment{Text: text, Account: "city", Author: moderation.Author{ID: "1"}}
	s.prepare(&c, nil, &res)
	for _, r := range e.rules { // every condition, so every lazy scan runs
		s.match.ok = false
		r.cond.eval(s)
	}
	s.feat()
	n := s.work
	s.c, s.h, s.out = nil, nil, nil
	e.pool.Put(s)
	return n
}

// Issue 10, defect 3: link scanning and the exception check grew with the
// square of the input (16 K of х.х.х… took half a second). The work on a
// text four times longer must be at most about four times the work, and
// beyond MaxEvalRunes it must not grow at all.
func TestEngine_Evaluate_LinearWork(t *testing.T) {
	star := filepath.Join(t.TempDir(), "star.yaml")
	// an entry with a Star inside that may start anywhere in a word
	if err := os.WriteFile(star, []byte("pack: star\nrules:\n  - id: star.x\n    when: {words: [\"*пас*н\"]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withStar, err := Load(Config{Builtin: "ru", Files: []string{star}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range adversarial {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{1000, 4000} {
				w1, w4 := withStar.work(repeatTo(tt.unit, n)), withStar.work(repeatTo(tt.unit, 4*n))
				if w4 > 5*w1 {
					t.Errorf("%d runes: work %d, %d runes: work %d (%.1f×, want ≤ 5×)", n, w1, 4*n, w4, float64(w4)/float64(w1))
				}
			}
			capped, huge := withStar.work(repeatTo(tt.unit, MaxEvalRunes)), withStar.work(repeatTo(tt.unit, 1<<20))
			if huge > capped+capped/10 {
				t.Errorf("work %d on 1M runes, %d at the cap of %d", huge, capped, MaxEvalRunes)
			}
		})
	}
}

func TestCapText(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"короткий", len("короткий")},
		{strings.Repeat("я", MaxEvalRunes), 2 * MaxEvalRunes},
		{strings.Repeat("я", MaxEvalRunes+5), 2 * MaxEvalRunes},
		{strings.Repeat("a", MaxEvalRunes+1), MaxEvalRunes},
	} {
		if got := capText(tt.text); got != tt.want {
			t.Errorf("capText(%d bytes) = %d, want %d", len(tt.text), got, tt.want)
		}
	}
	if got := capBytes("яя", 3); got != 2 {
		t.Errorf("capBytes cut inside a rune: %d", got)
	}
}

// BenchmarkEngine_Adversarial times the same texts from 1 K to 1 M runes;
// ns/op stays flat per rune up to MaxEvalRunes and constant beyond it.
func BenchmarkEngine_Adversarial(b *testing.B) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range adversarial {
		for _, n := range []int{1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 20} {
			text := repeatTo(tt.unit, n)
			b.Run(tt.name+"/runes="+itoa(n), func(b *testing.B) {
				c := moderation.Comment{Text: text}
				var res moderation.Result
				b.ReportAllocs()
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					res.Reset()
					e.Evaluate(&c, nil, &res)
				}
			})
		}
	}
}

func itoa(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + "M"
	}
	return strconv.Itoa(n>>10) + "K"
}
