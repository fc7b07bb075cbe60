package eval

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// The parallel classifier prints exactly what Classify prints, in order,
// for any mix of lines (empty, long, CRLF, no final newline).
func TestClassifyParallel_SameAsClassify(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "это плохо %d\n", i)
		case 1:
			b.WriteString("\n")
		case 2:
			fmt.Fprintf(&b, "спам %d\r\n", i)
		case 3:
			b.WriteString(strings.Repeat("мат ", 30000) + "\n") // past the reader's buffer
		default:
			fmt.Fprintf(&b, "обычный комментарий %d\n", i)
		}
	}
	b.WriteString("последняя строка без перевода")
	in := b.String()
	var want bytes.Buffer
	if err := Classify(wordEvaluator{}, strings.NewReader(in), &want); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 5} {
		var got bytes.Buffer
		if err := ClassifyParallel(wordEvaluator{}, strings.NewReader(in), &got, workers); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("workers=%d: output differs from Classify (%d vs %d bytes)", workers, got.Len(), want.Len())
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestClassifyParallel_WriteError(t *testing.T) {
	in := strings.Repeat("это плохо\n", 5000)
	if err := ClassifyParallel(wordEvaluator{}, strings.NewReader(in), failWriter{}, 3); err == nil || err.Error() != "disk full" {
		t.Errorf("err = %v, want the writer's error", err)
	}
}

func TestClassify_LeavesOutTheScoreMatch(t *testing.T) {
	got := string(appendResult(nil, &moderation.Result{Verdict: moderation.Review, Labels: []string{"insult"},
		Matches: []moderation.Match{{Rule: "r.insult", Action: moderation.Review, Reason: "оскорбление"}, {Rule: scoreRule, Reason: "модель: toxic 0.93"}}}))
	want := `{"verdict":"review","labels":["insult"],"rules":["r.insult"],"reason":"оскорбление"}` + "\n"
	if got != want {
		t.Errorf("got %s want %s", got, want)
	}
}
