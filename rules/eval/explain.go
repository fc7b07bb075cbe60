package eval

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/rules/model"
	"github.com/strazh/strazh/rules/normalize"
)

// Explain reads one comment per line and writes, for each, what the rules
// and the model saw: the normalised text, the verdict, every rule that
// fired with what it matched, and (m not nil) each label's model score
// with its k strongest features. For people: the text is Russian.
func Explain(e moderation.Evaluator, m *model.Model, k int, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	w := bufio.NewWriter(out)
	var c moderation.Comment
	var res moderation.Result
	n := 0
	for sc.Scan() {
		n++
		c.Text = string(trimEOL(sc.Bytes()))
		res.Reset()
		e.Evaluate(&c, nil, &res)
		fmt.Fprintf(w, "#%d %s\n", n, c.Text)
		fmt.Fprintf(w, "  нормализовано: %s\n", normalize.String(c.Text))
		fmt.Fprintf(w, "  вердикт: %s", res.Verdict)
		if len(res.Labels) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(res.Labels, ", "))
		}
		w.WriteString("\n")
		for _, mt := range res.Matches {
			if mt.Rule == "model.score" {
				continue // shown below, with the features
			}
			fmt.Fprintf(w, "  правило %s [%s", mt.Rule, mt.Action)
			if mt.Label != "" {
				fmt.Fprintf(w, ", %s", mt.Label)
			}
			w.WriteString("]")
			if mt.Matched != "" {
				fmt.Fprintf(w, ": «%s»", mt.Matched)
			}
			if mt.Reason != "" {
				fmt.Fprintf(w, " — %s", mt.Reason)
			}
			w.WriteString("\n")
		}
		if m != nil {
			for _, l := range m.Labels() {
				fmt.Fprintf(w, "  модель %s %.3f:", l, m.Score(l, c.Text))
				for i, f := range m.Explain(l, c.Text, k) {
					if i > 0 {
						w.WriteString(",")
					}
					fmt.Fprintf(w, " %s %+.2f", f.Text, f.Weight)
				}
				w.WriteString("\n")
			}
		}
		w.WriteString("\n")
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("explain: line %d: %w", n+1, err)
	}
	return w.Flush()
}
