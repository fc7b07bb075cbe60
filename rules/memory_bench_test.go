package rules

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// genLexicon is a rule file with one lexicon of n distinct entries of
// about ten letters each (a mix of exact words, word starts and phrases,
// as real lexicons have) and one rule using it.
func genLexicon(n int) []byte {
	var b strings.Builder
	b.WriteString("pack: big\nlexicons:\n  big:\n")
	letters := []rune("абвгдежзиклмнопрстуфхцчшщыэюя")
	for i := range n {
		w := make([]rune, 0, 12)
		for k, x := 0, i+1; k < 10; k++ {
			w = append(w, letters[x%len(letters)])
			x = x/len(letters) + k*7 + 3
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "    - %s\n", string(w))
		case 1:
			fmt.Fprintf(&b, "    - %s*\n", string(w[:7]))
		default:
			fmt.Fprintf(&b, "    - %s %s\n", string(w[:5]), string(w[5:]))
		}
	}
	b.WriteString("rules:\n  - id: big.one\n    action: review\n    when: {lexicon: big}\n")
	return []byte(b.String())
}

// genRules is a rule file with n rules, each with its own regex.
func genRules(n int) []byte {
	var b strings.Builder
	b.WriteString("pack: many\nrules:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: many.r%d\n    action: review\n    when: {regex: \"цифра%d[0-9]+слово\"}\n", i, i)
	}
	return []byte(b.String())
}

// heapOf is the live heap an engine compiled from src holds.
func heapOf(tb testing.TB, src []byte) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	e, err := compileSources([]source{{name: "gen.yaml", data: src}}, Config{Builtin: "none"})
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(e)
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkEngine_Memory reports the live heap per lexicon entry and per
// rule: the figures behind LexiconEntryBytes and RuleBytes (warnings.go).
//
//	go test -run '^$' -bench Engine_Memory -benchtime 1x ./rules
func BenchmarkEngine_Memory(b *testing.B) {
	for _, n := range []int{10000, 50000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			src := genLexicon(n)
			var h uint64
			for b.Loop() {
				h = heapOf(b, src)
			}
			b.ReportMetric(float64(h)/float64(n), "heap-bytes/entry")
		})
	}
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			src := genRules(n)
			var h uint64
			for b.Loop() {
				h = heapOf(b, src)
			}
			b.ReportMetric(float64(h)/float64(n), "heap-bytes/rule")
		})
	}
}
