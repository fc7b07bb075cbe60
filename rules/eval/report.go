package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// Report is the result of Run: scores per file (by base name) and in total.
type Report struct {
	Files map[string]*Scores `json:"files"`
	Total *Scores            `json:"total"`
}

// Scores are one file's (or the total's) counts.
type Scores struct {
	N       int                `json:"n"`
	Labels  map[string]*Counts `json:"labels"`
	Actions Actions            `json:"actions"`
	// Expect is set for files whose rows name their verdict.
	Expect *Expect `json:"expect,omitempty"`
}

// Counts is a confusion matrix with its rates.
type Counts struct {
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	TN        int     `json:"tn"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// Actions measures automatic actions (delete/ban) and reviews. Only rules
// whose label is in the row's scope count (toxic covers obscenity, insult
// and threat): a delete for мат on a row of a spam-only source is unknown,
// like any label outside scope.
type Actions struct {
	// AutoPrecision is the share of delete/ban verdicts that fall on rows
	// positive for some in-scope label.
	AutoPrecision float64 `json:"auto_precision"`
	// FalseActionRate is the share of rows clean in scope that got
	// delete/ban.
	FalseActionRate float64 `json:"false_action_rate"`
	// ReviewRateClean is the share of rows clean in scope sent to review.
	ReviewRateClean float64 `json:"review_rate_clean"`

	actions, actionsPositive, clean, cleanActions, cleanReviews int
	cleanActionsAny                                             int // delete/ban on clean rows for any label, in scope or not
}

func newScores() *Scores { return &Scores{Labels: map[string]*Counts{}} }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c *Counts) finish() {
	c.Precision = ratio(c.TP, c.TP+c.FP)
	c.Recall = ratio(c.TP, c.TP+c.FN)
	if c.Precision+c.Recall > 0 {
		c.F1 = 2 * c.Precision * c.Recall / (c.Precision + c.Recall)
	}
}

func (s *Scores) finish() {
	for _, c := range s.Labels {
		c.finish()
	}
	s.Expect.finish()
	a := &s.Actions
	a.AutoPrecision = ratio(a.actionsPositive, a.actions)
	a.FalseActionRate = ratio(a.cleanActions, a.clean)
	a.ReviewRateClean = ratio(a.cleanReviews, a.clean)
}

func (r *Report) finish() {
	for _, s := range r.Files {
		s.finish()
	}
	r.Total.finish()
}

// WriteJSON writes the report as one JSON object (the -json contract).
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteTable writes the report as a readable table.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tn\tlabel\ttp\tfp\tfn\ttn\tprecision\trecall\tf1\t")
	names := make([]string, 0, len(r.Files))
	for n := range r.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	row := func(name string, s *Scores) {
		labels := make([]string, 0, len(s.Labels))
		for l := range s.Labels {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		for _, l := range labels {
			c := s.Labels[l]
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t\n", name, s.N, l, c.TP, c.FP, c.FN, c.TN, c.Precision, c.Recall, c.F1)
		}
	}
	for _, n := range names {
		row(n, r.Files[n])
	}
	row("TOTAL", r.Total)
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t")
	fmt.Fprintln(tw, "file\tauto_precision\tfalse_action_rate\treview_rate_clean\tany_label_action_rate\t")
	for _, n := range names {
		a := r.Files[n].Actions
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%.4f\t\n", n, a.AutoPrecision, a.FalseActionRate, a.ReviewRateClean, ratio(a.cleanActionsAny, a.clean))
	}
	a := r.Total.Actions
	fmt.Fprintf(tw, "TOTAL\t%.4f\t%.4f\t%.4f\t%.4f\t\n", a.AutoPrecision, a.FalseActionRate, a.ReviewRateClean, ratio(a.cleanActionsAny, a.clean))
	if err := tw.Flush(); err != nil {
		return err
	}
	return r.writeExpect(w)
}
