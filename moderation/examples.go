package moderation

import (
	"slices"
	"strings"
	"time"
)

// Example is one moderator decision turned into a labelled text for the
// learned model, in the corpus's semantics: a label in Scope is positive
// when it is in Labels and negative otherwise; a label outside Scope is
// unknown (the decision says nothing about it).
type Example struct {
	DecisionID uint64    `json:"decision_id"` // the decision it came from; one example per decision
	Account    string    `json:"account"`
	CommentID  string    `json:"comment_id"`
	Text       string    `json:"text"`
	Labels     []string  `json:"labels,omitempty"`
	Scope      []string  `json:"scope"`
	Verdict    Verdict   `json:"verdict"` // what the moderator wanted in the end
	By         string    `json:"by"`
	At         time.Time `json:"at"`
	// ByModel: only the learned model's rules (model.*) asked for more
	// than allow. The learner measures the thresholds of what the rules
	// asked and of what the model alone asked apart.
	ByModel bool `json:"by_model,omitempty"`
}

// Examples keeps the labelled examples (implemented by moderation/store).
// Each decision has at most one example: a later human decision on the
// same comment (an undo after a delete) replaces the earlier one.
type Examples interface {
	// PutExample records e under e.DecisionID, replacing what was there.
	PutExample(e Example) error
	// EachExample calls fn for every example, oldest decision first.
	EachExample(fn func(Example) error) error
	// CountExamples says how many examples are kept.
	CountExamples() (int, error)
}

// Model labels that decisions are mapped to.
const (
	LabelToxic = "toxic"
	LabelSpam  = "spam"
)

// ModelLabel maps a rule's label to the model's: obscenity, insult and
// threat are kinds of toxic (the corpus's umbrella), everything else is
// itself ("spam", "illegal" or a page's own label); "" stays "".
func ModelLabel(ruleLabel string) string {
	switch ruleLabel {
	case "obscenity", "insult", "threat", LabelToxic:
		return LabelToxic
	}
	return ruleLabel
}

// SuspectedLabels are the model labels a decision was suspected of: those
// of its result and of every rule that fired, mapped by ModelLabel, sorted
// and without duplicates. Rules that allow (an exempt author, a whitelist)
// suspect nothing, nor does a label only such rules gave (a tag: an
// appeal is no suspicion).
func SuspectedLabels(d *Decision) []string {
	var out []string
	add := func(l string) {
		if l = ModelLabel(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, l := range d.Labels {
		if !onlyAllowed(d.Matches, l) {
			add(l)
		}
	}
	for _, m := range d.Matches {
		if m.Action > Allow {
			add(m.Label)
		}
	}
	slices.Sort(out)
	return out
}

// onlyAllowed: some match carries the label and none asked for more than
// allow (the label is a tag's, action: tag).
func onlyAllowed(ms []Match, label string) bool {
	found := false
	for _, m := range ms {
		if m.Label == label {
			if m.Action > Allow {
				return false
			}
			found = true
		}
	}
	return found
}

// ExampleFromDecision turns a human decision (or a delete the page's
// model confirmed) into an example; ok is false
// when the decision is not a human's or says nothing a model can learn.
//
// The mapping (a moderator's word is the label; the rules only say which
// labels it is about):
//   - a review decided delete or ban: positive for every suspected label
//     (a deleted comment flagged by an insult rule is toxic);
//   - a review decided keep: negative for every suspected label (the page
//     keeps what the rules doubted). A review nobody suspected of anything
//     (the engine failed, or it came while paused) is negative for toxic
//     and spam: the moderator saw it whole and kept it;
//   - an undo («Восстановить») of a delete or ban: the verdict was wrong,
//     so negative for every suspected label, whoever made it;
//   - a delete the page's model confirmed (a rule's review it turned into
//     a delete, model.confirm.*): positive for every suspected label, as
//     its moderator's removals above that score were; a restore replaces
//     it with the negative above;
//   - a review decided by the timeout, closed by a deletion on the network,
//     and other automatic actions nobody touched, are not examples: no
//     moderator said anything.
//
// A delete nobody suspected (no labels) has no label to be positive for,
// so it is not an example.
func ExampleFromDecision(d *Decision) (Example, bool) {
	ex := Example{DecisionID: d.ID, Account: d.Comment.Account, CommentID: d.Comment.ID, Text: d.Comment.Text}
	if strings.TrimSpace(d.Comment.Text) == "" || d.Comment.Author.Exempt() {
		return ex, false
	}
	suspected := SuspectedLabels(d)
	switch {
	case d.UndoneBy != "":
		if len(suspected) == 0 {
			return ex, false
		}
		ex.Scope, ex.Verdict, ex.By, ex.At = suspected, Allow, d.UndoneBy, d.UndoneAt
	case d.Review == nil && d.Verdict >= Delete && ConfirmedByModel(d.Matches):
		// The page's model confirmed a rule's review as a delete, from a
		// threshold its moderator's removals set; an undo replaces this.
		// A dry run deleted nothing a moderator could restore.
		if len(suspected) == 0 || d.DryRun {
			return ex, false
		}
		ex.Scope, ex.Labels, ex.Verdict, ex.By, ex.At = suspected, slices.Clone(suspected), d.Verdict, ByAuto, d.DecidedAt
	case d.Review != nil && d.Review.Status == ReviewDecided && d.Review.By != ByTimeout && d.Review.By != ByEdit &&
		d.Review.By != ByNetwork && d.Review.By != "":
		// A review closed by a timeout, the author's edit or a deletion on
		// the network (perhaps by the author) is no one's word.
		ex.Verdict, ex.By, ex.At = d.Review.Verdict, d.Review.By, d.Review.At
		switch {
		case d.Review.Verdict >= Delete && len(suspected) > 0:
			ex.Scope, ex.Labels = suspected, slices.Clone(suspected)
		case d.Review.Verdict == Allow && len(suspected) > 0:
			ex.Scope = suspected
		case d.Review.Verdict == Allow:
			ex.Scope = []string{LabelSpam, LabelToxic}
		default:
			return ex, false
		}
	default:
		return ex, false
	}
	ex.ByModel = byModel(d.Matches)
	return ex, true
}

// ConfirmedByModel: the page's model turned a rule's review into a delete
// (rules: model.confirm.<label>).
func ConfirmedByModel(ms []Match) bool {
	for _, m := range ms {
		if m.Action >= Delete && strings.HasPrefix(m.Rule, "model.confirm.") {
			return true
		}
	}
	return false
}

func byModel(ms []Match) bool {
	any := false
	for _, m := range ms {
		if m.Action == Allow {
			continue
		}
		if !strings.HasPrefix(m.Rule, "model.") {
			return false
		}
		any = true
	}
	return any
}

// ModelVersion is one version of the page's learned model, kept with its
// metrics so that an operator can see it and roll back to it.
type ModelVersion struct {
	Version  uint64    `json:"version"` // assigned by the store, increasing; 0 is the shipped model
	Created  time.Time `json:"created"`
	Examples int       `json:"examples"` // page examples it learned from
	// Seen is the newest decision ID among them: examples of later
	// decisions are new to this version.
	Seen    uint64                  `json:"seen"`
	Metrics map[string]LabelMetrics `json:"metrics"` // on held-out page examples
	// Baseline holds the metrics of the version that was live, on the
	// same held-out examples, when this one was made.
	Baseline map[string]LabelMetrics `json:"baseline,omitempty"`
	Base     uint64                  `json:"base"`           // the version live when it was made
	Note     string                  `json:"note,omitempty"` // why it went live or not
	WentLive bool                    `json:"went_live"`      // it passed the go-live rule when made
	Size     int                     `json:"size"`           // bytes of the serialised model
	By       string                  `json:"by,omitempty"`   // "schedule", "cli:anna", "rollback"
}

// LabelMetrics measure a model on one label's held-out examples, scored at
// 0.5.
type LabelMetrics struct {
	Examples  int     `json:"examples"`
	Positives int     `json:"positives"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	LogLoss   float64 `json:"log_loss"`
	// DeleteFrom is the lowest score from which all of the page's examples
	// (at least 200, each scored out of fold) were removed; KeepBelow the
	// score below which at least 99 % (and at least 50) were kept; 0: not
	// known. They are the "auto" thresholds of rules.model.delete and
	// rules.model.keep (moderation/learn/thresholds.go). ConfirmFrom is
	// the lowest score from which at least 99.5 % (and at least 100) were
	// removed: from it, a review the rules asked for is a delete when
	// rules.model.delete is auto (only reviews: they are what it was
	// measured on).
	DeleteFrom  float64 `json:"delete_from,omitempty"`
	KeepBelow   float64 `json:"keep_below,omitempty"`
	ConfirmFrom float64 `json:"confirm_from,omitempty"`
}

// ModelVersions keeps the model's versions (implemented by
// moderation/store). Version 0 is the shipped model, never stored.
type ModelVersions interface {
	// SaveModel stores a new version with its serialised model and
	// returns it with Version assigned; live makes it the live one in the
	// same transaction.
	SaveModel(v ModelVersion, blob []byte, live bool) (ModelVersion, error)
	// ModelVersions lists the kept versions, oldest first.
	ModelVersions() ([]ModelVersion, error)
	// LoadModel returns one version and its bytes (ErrNotFound).
	LoadModel(version uint64) (ModelVersion, []byte, error)
	// LiveModel is the live version, 0 for the shipped model.
	LiveModel() (uint64, error)
	// SetLiveModel makes a kept version (or 0) the live one (ErrNotFound).
	SetLiveModel(version uint64) error
}
