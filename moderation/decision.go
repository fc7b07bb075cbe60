package moderation

import (
	"fmt"
	"strings"
	"time"
)

// Verdict is what should happen to a comment. The order matters: a higher
// verdict is stronger.
type Verdict uint8

const (
	Allow  Verdict = iota // keep the comment
	Review                // a human decides
	Delete                // delete the comment
	Ban                   // delete the comment and ban its author
)

var verdictNames = [...]string{"allow", "review", "delete", "ban"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("verdict(%d)", uint8(v))
}

// ParseVerdict parses "allow", "review", "delete", "ban" (also "delete+ban").
func ParseVerdict(s string) (Verdict, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "allow", "keep":
		return Allow, nil
	case "review":
		return Review, nil
	case "delete", "remove":
		return Delete, nil
	case "ban", "delete+ban", "delete_ban":
		return Ban, nil
	}
	return Allow, fmt.Errorf("unknown verdict %q (want allow, review, delete or ban)", s)
}

func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

func (v *Verdict) UnmarshalText(b []byte) error {
	p, err := ParseVerdict(string(b))
	*v = p
	return err
}

// Match is one rule that fired.
type Match struct {
	Rule    string  `json:"rule"`            // rule ID
	Label   string  `json:"label,omitempty"` // obscenity, insult, threat, spam, illegal or custom
	Action  Verdict `json:"action"`          // what this rule asked for
	Reason  string  `json:"reason,omitempty"`
	Matched string  `json:"match,omitempty"` // the text that matched, for the moderator
}

// Fingerprint is a similarity sketch (MinHash) of a normalised text, computed
// by the rule engine and kept by History to find copy-paste spam.
type Fingerprint [8]uint32

// Similarity estimates the Jaccard similarity of two texts' shingle sets.
func (f Fingerprint) Similarity(g Fingerprint) float64 {
	if f == (Fingerprint{}) || g == (Fingerprint{}) {
		return 0
	}
	n := 0
	for i := range f {
		if f[i] == g[i] {
			n++
		}
	}
	return float64(n) / float64(len(f))
}

// Result is what the rule engine says about one comment. Evaluate fills a
// caller-owned Result so the hot path can reuse its slices.
type Result struct {
	Verdict Verdict
	Labels  []string
	Matches []Match
	// BanFor is the ban's length when Verdict is Ban; 0 means the rule gives
	// none, and the account's ban.duration applies (whose 0 is forever).
	BanFor time.Duration
	// Urgent marks reviews a human should see first (threats).
	Urgent bool
	// BanDistrict: a rule that banned says the ban applies on every page of
	// the network (its ban_scope: district).
	BanDistrict bool
	Fingerprint Fingerprint
	// Scores are the learned model's probabilities per label, when the
	// engine scored the comment (it does when a rule asks, and for every
	// comment it sends to review or acts on).
	Scores []Score
}

// Score is a learned model's probability that a comment carries a label.
type Score struct {
	Label string  `json:"label"`
	Value float64 `json:"score"`
}

// Reset empties r, keeping its slices' memory.
func (r *Result) Reset() {
	r.Verdict, r.BanFor, r.Urgent, r.BanDistrict, r.Fingerprint = Allow, 0, false, false, Fingerprint{}
	r.Labels = r.Labels[:0]
	r.Matches = r.Matches[:0]
	r.Scores = r.Scores[:0]
}

// Reason joins the reasons of the rules that fired.
func (r *Result) Reason() string {
	switch len(r.Matches) {
	case 0:
		return ""
	case 1:
		return r.Matches[0].Reason
	}
	var b strings.Builder
	for i, m := range r.Matches {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m.Reason)
	}
	return b.String()
}

// ActionType is something done to a comment or its author on the network.
type ActionType string

const (
	ActDelete  ActionType = "delete"
	ActBan     ActionType = "ban"
	ActUnban   ActionType = "unban"
	ActRestore ActionType = "restore"
)

// ActionState is where an action stands. Pending actions are retried at
// start-up until they are done or fail for good.
type ActionState string

const (
	ActionPending ActionState = "pending"
	ActionDone    ActionState = "done"
	ActionFailed  ActionState = "failed"  // permanent for this item, or given up
	ActionSkipped ActionState = "skipped" // dry run, undone before it ran, or not supported by the network
)

// ActionRecord is one planned or performed action of a decision.
type ActionRecord struct {
	Type     ActionType  `json:"type"`
	State    ActionState `json:"state"`
	Until    time.Time   `json:"until,omitzero"` // for bans; zero: forever
	Attempts int         `json:"attempts,omitempty"`
	Error    string      `json:"error,omitempty"`
	At       time.Time   `json:"at,omitzero"` // when it reached its state
}

// Decided-by values that are not a person.
const (
	ByAuto    = "auto"    // the rule engine
	ByTimeout = "timeout" // a review that nobody decided in time
	ByNetwork = "network" // done by hand in the network
	// ByEdit closes a review of a version its author has since edited:
	// nothing is done to it, the new version is decided on its own.
	ByEdit = "edited"
)

// ReviewStatus is where a human review stands.
type ReviewStatus string

const (
	ReviewPending ReviewStatus = "pending"
	ReviewDecided ReviewStatus = "decided"
)

// ReviewState is the human part of a decision sent to review.
type ReviewState struct {
	Status  ReviewStatus  `json:"status"`
	Verdict Verdict       `json:"verdict"` // the human's verdict once decided
	BanFor  time.Duration `json:"ban_for,omitempty"`
	By      string        `json:"by,omitempty"`      // "telegram:123", "cli:<user>", ByTimeout
	ByName  string        `json:"by_name,omitempty"` // display name of the moderator
	At      time.Time     `json:"at,omitzero"`
	// District: the moderator's ban went to every page of the network
	// («Забанить везде», or the page's ban_scope: district); kept so a
	// restart can carry a ban a crash cut off.
	District bool `json:"district,omitempty"`
}

// Decision is the durable record of what strazh decided about one version of
// one comment, and what it did.
type Decision struct {
	ID        uint64         `json:"id"`      // assigned by the store, increasing
	Comment   Comment        `json:"comment"` // as it was when decided
	Version   uint64         `json:"version"`
	Verdict   Verdict        `json:"verdict"` // the engine's verdict
	Labels    []string       `json:"labels,omitempty"`
	Matches   []Match        `json:"matches,omitempty"`
	BanFor    time.Duration  `json:"ban_for,omitempty"`
	Urgent    bool           `json:"urgent,omitempty"`
	DecidedBy string         `json:"decided_by"` // ByAuto, or a moderator ("telegram:123")
	DecidedAt time.Time      `json:"decided_at"`
	DryRun    bool           `json:"dry_run,omitempty"`
	Review    *ReviewState   `json:"review,omitempty"`
	Actions   []ActionRecord `json:"actions,omitempty"`
	// Undone is set when a moderator reversed an automatic action.
	UndoneBy string    `json:"undone_by,omitempty"`
	UndoneAt time.Time `json:"undone_at,omitzero"`
}

// Final is the verdict in force: Review while a human has not decided, the
// human's verdict once they have, else the engine's.
func (d *Decision) Final() Verdict {
	if d.Review != nil {
		if d.Review.Status == ReviewDecided {
			return d.Review.Verdict
		}
		return Review
	}
	return d.Verdict
}

// HasPendingActions reports whether some action still has to be carried out.
func (d *Decision) HasPendingActions() bool {
	for _, a := range d.Actions {
		if a.State == ActionPending {
			return true
		}
	}
	return false
}

// Reason joins the reasons of the rules that fired.
func (d *Decision) Reason() string {
	r := Result{Matches: d.Matches}
	return r.Reason()
}

// BlacklistEntry is an author banned on one account.
type BlacklistEntry struct {
	Account    string    `json:"account"`
	Network    string    `json:"network"`
	Author     Author    `json:"author"`
	Until      time.Time `json:"until,omitzero"` // zero: forever
	Reason     string    `json:"reason,omitempty"`
	DecisionID uint64    `json:"decision_id,omitempty"` // 0 when banned by hand in the network
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at"`
}
