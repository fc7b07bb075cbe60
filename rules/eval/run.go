package eval

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/strazh/strazh/moderation"
)

// Options tune Run.
type Options struct {
	// RawPlaceholders leaves the anonymisation placeholders of the corpus
	// ([LINK], [PHONE], [USERNAME], [EMAIL], [CURRENCY], …) as they are.
	// By default they are replaced by a sample of what they stand for
	// (a link, a phone number, an @mention, …) before judging.
	RawPlaceholders bool
}

// record is one corpus line: a labelled row ({"text","labels","scope"})
// or a peer vector ({"text","expected":"flag|clean"}).
type record struct {
	Text     string   `json:"text"`
	Labels   []string `json:"labels"`
	Scope    []string `json:"scope"`
	Expected string   `json:"expected"`
	Expect   string   `json:"expect"` // allow, review or delete: the verdict the row must get
	Kind     string   `json:"kind"`
	// Topic is an appeal's topic (roads, water, …): the rule id after
	// "appeals." that should tag it (rows labelled appeal).
	Topic string `json:"topic"`
}

// toxicKinds are the labels the `toxic` umbrella stands for.
var toxicKinds = []string{"obscenity", "insult", "threat"}

// placeholders maps corpus placeholders to samples of what they stand for.
var placeholders = strings.NewReplacer(
	"[LINK]", "https://example.com/x",
	"[PHONE]", "+7 900 123-45-67",
	"[USERNAME]", "@username",
	"[EMAIL]", "user@example.com",
	"[CURRENCY]", "$",
	"[TIME]", "10:00",
	"[DATE]", "01.01.2024",
	"[HASHTAG]", "#tag",
)

// FillPlaceholders replaces the corpus's anonymisation placeholders ([LINK],
// [PHONE], [USERNAME], …) by samples of what they stand for, as eval does
// unless told to read them raw; replay uses the same.
func FillPlaceholders(s string) string {
	if strings.IndexByte(s, '[') < 0 {
		return s
	}
	return placeholders.Replace(s)
}

// Run judges every row of the files and scores them per file and in total.
func Run(e moderation.Evaluator, files []string, opts ...Options) (*Report, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	rep := &Report{Files: map[string]*Scores{}, Total: newScores()}
	var c moderation.Comment
	var res moderation.Result
	for _, path := range files {
		rs, err := readRecords(path)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(path)
		sc := rep.Files[name]
		if sc == nil {
			sc = newScores()
			rep.Files[name] = sc
		}
		for i := range rs {
			r := &rs[i]
			c.Text = r.Text
			if !o.RawPlaceholders && strings.IndexByte(r.Text, '[') >= 0 {
				c.Text = placeholders.Replace(r.Text)
			}
			res.Reset()
			e.Evaluate(&c, nil, &res)
			sc.add(r, &res)
			rep.Total.add(r, &res)
			if r.Expect != "" {
				sc.expect(r, &res)
			}
		}
	}
	rep.finish()
	return rep, nil
}

func predicted(res *moderation.Result, label string) bool {
	if label == moderation.LabelAppeal {
		// a tag (action: tag): the label is the prediction whatever the verdict
		return slices.Contains(res.Labels, label)
	}
	if res.Verdict == moderation.Allow {
		return false
	}
	if label == "toxic" {
		if slices.Contains(res.Labels, "toxic") { // a rule on the learned model's toxic score
			return true
		}
		for _, k := range toxicKinds {
			if slices.Contains(res.Labels, k) {
				return true
			}
		}
		return false
	}
	return slices.Contains(res.Labels, label)
}

// inScope reports whether a verdict label counts for a row with this scope:
// toxic covers obscenity, insult and threat; a rule without a label counts
// everywhere.
func inScope(label string, scope []string) bool {
	if label == "" || slices.Contains(scope, label) {
		return true
	}
	return slices.Contains(toxicKinds, label) && slices.Contains(scope, "toxic")
}

// scopedVerdict is the verdict counting only rules whose label is in scope
// (nil scope: every rule). A delete for мат on a row labelled only for spam
// is unknown, not a false action, just as the README scores labels.
func scopedVerdict(res *moderation.Result, scope []string) moderation.Verdict {
	v := moderation.Allow
	for _, m := range res.Matches {
		if m.Action > v && (scope == nil || inScope(m.Label, scope)) {
			v = m.Action
		}
	}
	return v
}

// add scores one row.
func (s *Scores) add(r *record, res *moderation.Result) {
	s.N++
	if r.Expected != "" { // a peer vector
		flag := r.Expected == "flag"
		p := predicted(res, "obscenity") || predicted(res, "insult")
		if !flag {
			p = res.Verdict != moderation.Allow
		}
		s.count("peer", flag, p)
		v := scopedVerdict(res, nil)
		s.action(flag, !flag, v >= moderation.Delete, v == moderation.Review)
		return
	}
	positive := false
	for _, l := range r.Scope {
		pos := slices.Contains(r.Labels, l)
		if l == moderation.LabelAppeal {
			// an appeal is no violation: it counts for its own scores only
			s.count(l, pos, predicted(res, l))
			s.topics(r, pos, res)
			continue
		}
		positive = positive || pos
		s.count(l, pos, predicted(res, l))
		if l == "toxic" && !pos {
			for _, k := range toxicKinds {
				s.count(k, false, predicted(res, k))
			}
		}
	}
	v := scopedVerdict(res, r.Scope)
	s.action(positive, !positive, v >= moderation.Delete, v == moderation.Review)
	if !positive && res.Verdict >= moderation.Delete {
		s.Actions.cleanActionsAny++
	}
}

// appealPrefix starts the ids of the appeals pack's rules; the rest is the topic.
const appealPrefix = "appeals."

// AppealTopic is the topic of an appeal: the first appeals.<topic> rule
// that tagged it ("" when none did).
func AppealTopic(res *moderation.Result) string {
	for _, m := range res.Matches {
		if m.Label == moderation.LabelAppeal && strings.HasPrefix(m.Rule, appealPrefix) {
			return m.Rule[len(appealPrefix):]
		}
	}
	return ""
}

// topics scores an appeal row per topic ("appeal/roads"): positive for
// the row's topic, predicted for the topic AppealTopic gives. An appeal
// tagged with the wrong topic is a miss of its topic and a false hit of
// the other.
func (s *Scores) topics(r *record, pos bool, res *moderation.Result) {
	want := ""
	if pos {
		want = r.Topic
	}
	got := AppealTopic(res)
	if want == got {
		if want != "" {
			s.count(moderation.LabelAppeal+"/"+want, true, true)
		}
		return
	}
	if want != "" {
		s.count(moderation.LabelAppeal+"/"+want, true, false)
	}
	if got != "" {
		s.count(moderation.LabelAppeal+"/"+got, false, true)
	}
}

func (s *Scores) count(label string, pos, pred bool) {
	c := s.Labels[label]
	if c == nil {
		c = &Counts{}
		s.Labels[label] = c
	}
	switch {
	case pos && pred:
		c.TP++
	case pos:
		c.FN++
	case pred:
		c.FP++
	default:
		c.TN++
	}
}

func (s *Scores) action(positive, clean, action, review bool) {
	a := &s.Actions
	if action {
		a.actions++
		if positive {
			a.actionsPositive++
		}
	}
	if clean {
		a.clean++
		if action {
			a.cleanActions++
		}
		if review {
			a.cleanReviews++
		}
	}
}
