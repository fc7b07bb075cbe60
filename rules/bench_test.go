package rules

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
)

// corpusDir is the shared evaluation corpus; benchmarks and corpus tests
// skip when it is absent (as in CI on a clean clone).
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// corpusTexts reads every text of the corpus files, or none when the
// corpus is absent.
func corpusTexts(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.jsonl"))
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			var r struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				out = append(out, r.Text)
			}
		}
		fh.Close()
	}
	return out
}

// corpusMix reads up to n texts of 100–300 runes from the corpus files
// (the three main ones, a third each, unless named).
func corpusMix(tb testing.TB, n int, files ...string) []string {
	tb.Helper()
	if len(files) == 0 {
		files = []string{"russe_detox_2022.jsonl", "telegram_spam_ru.jsonl", "stankin_antispam.jsonl"}
	}
	var out []string
	for _, f := range files {
		fh, err := os.Open(filepath.Join(corpusDir, f))
		if err != nil {
			tb.Skipf("corpus not available: %v", err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<22)
		k := 0
		for sc.Scan() && k < n/len(files) {
			var r struct {
				Text string `json:"text"`
			}
			if json.Unmarshal(sc.Bytes(), &r) != nil {
				continue
			}
			if l := utf8.RuneCountInString(r.Text); l >= 100 && l <= 300 {
				out = append(out, r.Text)
				k++
			}
		}
		fh.Close()
	}
	if len(out) == 0 {
		tb.Skip("corpus has no texts")
	}
	return out
}

func BenchmarkEngine_Evaluate(b *testing.B) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		b.Fatal(err)
	}
	// rules=builtin: a third each of toxic-or-paraphrase, spam-or-chat and
	// official-page comments (a violation-heavy mix); source=...: one
	// source alone, so the cost of ordinary traffic shows too.
	run := func(name string, texts []string) {
		b.Run(name, func(b *testing.B) {
			var c moderation.Comment
			var res moderation.Result
			b.ReportAllocs()
			bytes := 0
			for i := 0; b.Loop(); i++ {
				c.Text = texts[i%len(texts)]
				bytes += len(c.Text)
				res.Reset()
				e.Evaluate(&c, nil, &res)
			}
			b.SetBytes(int64(bytes / max(b.N, 1)))
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
		})
	}
	run("rules=builtin", corpusMix(b, 3000))
	for _, f := range []string{"russe_detox_2022", "telegram_spam_ru", "stankin_antispam"} {
		run("source="+f, corpusMix(b, 3000, f+".jsonl"))
	}
}
