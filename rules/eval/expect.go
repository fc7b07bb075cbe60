package eval

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/strazh/strazh/moderation"
)

// Expect scores rows that name the verdict they must get ("expect":
// "allow", "review" or "delete"; a ban counts as delete), as the regression
// set of rules/testdata does. Kind (optional) groups rows in the report.
type Expect struct {
	N     int `json:"n"`
	Right int `json:"right"`
	// CleanDeleted counts rows without labels that got delete or ban.
	CleanDeleted int `json:"clean_deleted"`
	// Share is Right / N.
	Share float64 `json:"share"`
	// Kinds are the counts per kind: {"n","right"}.
	Kinds map[string]*KindCount `json:"kinds"`
	// Wrong lists the rows that got another verdict.
	Wrong []WrongRow `json:"wrong"`
}

// KindCount is one kind's rows and how many got their verdict.
type KindCount struct {
	N     int `json:"n"`
	Right int `json:"right"`
}

// WrongRow is a row whose verdict differs from the expected one.
type WrongRow struct {
	Text   string   `json:"text"`
	Kind   string   `json:"kind"`
	Expect string   `json:"expect"`
	Got    string   `json:"got"`
	Rules  []string `json:"rules"`
}

// verdictClass folds a verdict into the classes rows expect.
func verdictClass(v moderation.Verdict) string {
	switch v {
	case moderation.Allow:
		return "allow"
	case moderation.Review:
		return "review"
	}
	return "delete"
}

func (s *Scores) expect(r *record, res *moderation.Result) {
	x := s.Expect
	if x == nil {
		x = &Expect{Kinds: map[string]*KindCount{}}
		s.Expect = x
	}
	x.N++
	k := x.Kinds[r.Kind]
	if k == nil {
		k = &KindCount{}
		x.Kinds[r.Kind] = k
	}
	k.N++
	got := verdictClass(res.Verdict)
	if len(r.Labels) == 0 && got == "delete" {
		x.CleanDeleted++
	}
	if got == r.Expect {
		x.Right++
		k.Right++
		return
	}
	w := WrongRow{Text: r.Text, Kind: r.Kind, Expect: r.Expect, Got: got}
	for _, m := range res.Matches {
		w.Rules = append(w.Rules, m.Rule)
	}
	x.Wrong = append(x.Wrong, w)
}

func (x *Expect) finish() {
	if x != nil {
		x.Share = ratio(x.Right, x.N)
	}
}

// writeExpect prints the files with expected verdicts: the share right,
// clean rows deleted, per kind, and the wrong rows.
func (r *Report) writeExpect(w io.Writer) error {
	names := make([]string, 0, len(r.Files))
	for n, s := range r.Files {
		if s.Expect != nil {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nfile\tkind\tn\tright\tshare\t")
	for _, n := range names {
		x := r.Files[n].Expect
		kinds := make([]string, 0, len(x.Kinds))
		for k := range x.Kinds {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			c := x.Kinds[k]
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t\n", n, k, c.N, c.Right, ratio(c.Right, c.N))
		}
		fmt.Fprintf(tw, "%s\tALL (clean deleted: %d)\t%d\t%d\t%.3f\t\n", n, x.CleanDeleted, x.N, x.Right, x.Share)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range names {
		for _, wr := range r.Files[n].Expect.Wrong {
			fmt.Fprintf(w, "%s: want %s, got %s %v [%s] %s\n", n, wr.Expect, wr.Got, wr.Rules, wr.Kind, wr.Text)
		}
	}
	return nil
}
