package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation"
)

func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "/etc/strazh/config.yaml", "configuration `file`")
}

// parseWhen accepts RFC 3339, a date (2026-11-01) or an age (36h, 7d).
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if d, err := parseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2026-11-01, 2026-11-01T10:00:00+03:00) or an age (36h, 7d)", s)
}

// parseDuration is the project's one duration syntax (36h, 7d, 2w, 1y).
func parseDuration(s string) (time.Duration, error) { return duration.Parse(s) }

func whoAmI() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

func cmdAudit(_ context.Context, args []string, s stdio) error {
	fs := newFlags("audit", "-config FILE [flags]", "Prints decisions oldest first (newest last), one per line, with the comment's\nID and text, the verdict, the rules that fired and what was done: a table\non a terminal, JSON Lines when piped (-format chooses). Works\nwhile the daemon runs (through its admin socket) and when it is stopped.", s)
	path := configFlag(fs)
	since := fs.String("since", "", "from this time or age (2026-11-01, RFC 3339, 36h, 7d)")
	until := fs.String("until", "", "up to this time or age (exclusive)")
	account := fs.String("account", "", "only this account")
	author := fs.String("author", "", "only this author (network user ID)")
	verdicts := fs.String("verdict", "", "only these final verdicts, comma-separated (allow,review,delete,ban)")
	limit := fs.Int("limit", 0, "only the newest `n` decisions")
	format := fs.String("format", "", "output `format`: table, jsonl or csv (default: table on a terminal, jsonl otherwise)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		// A negative limit used to mean no limit: every decision printed.
		fmt.Fprintf(s.err, "strazh audit: -limit %d: нужно число ≥ 1 (0 или без флага: все)\nstrazh audit: -limit %[1]d: want a number ≥ 1 (0 or none: all)\n", *limit)
		return errUsage
	}
	out, err := auditFormat(*format, isTerminal(s.out))
	if err != nil {
		fmt.Fprintf(s.err, "strazh audit: %v\n", err)
		return errUsage
	}
	now := time.Now()
	var q moderation.Query
	if q.Since, err = parseWhen(*since, now); err != nil {
		return fmt.Errorf("-since: %w", err)
	}
	if q.Until, err = parseWhen(*until, now); err != nil {
		return fmt.Errorf("-until: %w", err)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		// Printed nothing, as if there were no decisions.
		fmt.Fprintf(s.err, "strazh audit: -since %s не раньше -until %s: нет такого промежутка\nstrazh audit: -since %[1]s is not before -until %[2]s: an empty span\n", *since, *until)
		return errUsage
	}
	q.Account, q.Author, q.Limit = *account, *author, *limit
	if *verdicts != "" {
		for _, v := range strings.Split(*verdicts, ",") {
			vd, err := moderation.ParseVerdict(v)
			if err != nil {
				return fmt.Errorf("-verdict: %w", err)
			}
			q.Verdicts = append(q.Verdicts, vd)
		}
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if err := checkAccount(cfg, *account); err != nil {
		return err
	}
	b, err := openBackend(cfg, false)
	if err != nil {
		return err
	}
	defer b.Close()
	return writeAudit(s.out, out, func(fn func(*moderation.Decision) error) error { return b.Query(q, fn) })
}

// auditRecord is one line of the audit export (JSONL and CSV share it).
type auditRecord struct {
	ID         uint64    `json:"id"`
	DecidedAt  time.Time `json:"decided_at"`
	Account    string    `json:"account"`
	Network    string    `json:"network"`
	Kind       string    `json:"kind"`
	CommentID  string    `json:"comment_id"`
	Permalink  string    `json:"permalink,omitempty"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name,omitempty"`
	Verdict    string    `json:"verdict"`
	Engine     string    `json:"engine_verdict"`
	Labels     []string  `json:"labels"`
	Rules      []string  `json:"rules"`
	Reason     string    `json:"reason,omitempty"`
	DecidedBy  string    `json:"decided_by"`
	Actions    string    `json:"actions,omitempty"`
	DryRun     bool      `json:"dry_run,omitempty"`
	Undone     string    `json:"undone_by,omitempty"`
	Text       string    `json:"text"`
}

func toAudit(d *moderation.Decision) auditRecord {
	r := auditRecord{ID: d.ID, DecidedAt: d.DecidedAt, Account: d.Comment.Account, Network: d.Comment.Network,
		Kind: string(d.Comment.Kind), CommentID: d.Comment.ID, Permalink: d.Comment.Permalink,
		AuthorID: d.Comment.Author.ID, AuthorName: d.Comment.Author.Name, Verdict: d.Final().String(),
		Engine: d.Verdict.String(), Labels: d.Labels, Reason: d.Reason(), DecidedBy: d.DecidedBy,
		DryRun: d.DryRun, Undone: d.UndoneBy, Text: d.Comment.Text, Rules: []string{}}
	if r.Labels == nil {
		r.Labels = []string{}
	}
	for _, m := range d.Matches {
		r.Rules = append(r.Rules, m.Rule)
	}
	if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
		r.DecidedBy = d.Review.By
	}
	var acts []string
	for _, a := range d.Actions {
		s := string(a.Type) + ":" + string(a.State)
		if a.Error != "" {
			s += "(" + a.Error + ")"
		}
		acts = append(acts, s)
	}
	r.Actions = strings.Join(acts, " ")
	return r
}

func writeAudit(w io.Writer, format string, each func(func(*moderation.Decision) error) error) error {
	if format == formatTable {
		return writeAuditTable(w, russianLocale(), each)
	}
	if format == formatCSV {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "decided_at", "account", "network", "kind", "comment_id", "permalink", "author_id",
			"author_name", "verdict", "engine_verdict", "labels", "rules", "reason", "decided_by", "actions", "dry_run", "undone_by", "text"})
		err := each(func(d *moderation.Decision) error {
			r := toAudit(d)
			return cw.Write(csvRow([]string{strconv.FormatUint(r.ID, 10), r.DecidedAt.Format(time.RFC3339), r.Account, r.Network,
				r.Kind, r.CommentID, r.Permalink, r.AuthorID, r.AuthorName, r.Verdict, r.Engine, strings.Join(r.Labels, ","),
				strings.Join(r.Rules, ","), r.Reason, r.DecidedBy, r.Actions, strconv.FormatBool(r.DryRun), r.Undone, r.Text}))
		})
		cw.Flush()
		return errors.Join(err, cw.Error())
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return each(func(d *moderation.Decision) error { return enc.Encode(toAudit(d)) })
}

func cmdBlacklist(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("blacklist", "-config FILE [-account NAME] [-unban AUTHOR -network NET]",
		"Lists the authors strazh banned (and bans made by hand in the networks), or\nlifts a ban on every account of a network.", s)
	path := configFlag(fs)
	account := fs.String("account", "", "list only this account")
	unban := fs.String("unban", "", "lift the ban of this author (network user ID)")
	network := fs.String("network", "", "with -unban: the network (vk, ...)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *unban != "" && *network == "" {
		fmt.Fprintln(s.err, "strazh blacklist: -unban needs -network")
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	b, err := openBackend(cfg, *unban != "")
	if err != nil {
		return err
	}
	defer b.Close()
	if *unban != "" {
		n, err := b.Unban(ctx, *network, *unban, whoAmI())
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s is not on the blacklist of any %s account", *unban, *network)
		}
		fmt.Fprintf(s.out, "unbanned %s on %d account(s)\n", *unban, n)
		return nil
	}
	list, err := b.Blacklist(*account)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tAUTHOR\tNAME\tUNTIL\tBY\tDECISION\tREASON")
	for _, e := range list {
		until := "forever"
		if !e.Until.IsZero() {
			until = e.Until.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", e.Account, e.Author.ID, e.Author.Name, until, e.By, e.DecisionID, e.Reason)
	}
	return tw.Flush()
}

func cmdReview(ctx context.Context, args []string, s stdio) error {
	fs := newFlags("review", "-config FILE [-decide ID -verdict allow|delete|ban [-ban 7d]]",
		"Lists the comments waiting for a human decision, oldest first, or decides\none. With the daemon running the decision acts at once; with it stopped,\nstrazh acts with the accounts' tokens from the configuration.", s)
	path := configFlag(fs)
	decide := fs.Uint64("decide", 0, "decide the review with this decision `id`")
	verdict := fs.String("verdict", "", "with -decide: allow (keep), delete or ban")
	banFor := fs.String("ban", "", "with -verdict ban: how long (1d, 7d, 30d, 12h); empty: forever")
	if err := parse(fs, args); err != nil {
		return err
	}
	if msg := reviewFlagsProblem(fs, *decide, *verdict); msg != "" {
		fmt.Fprintln(s.err, msg)
		return errUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		return err
	}
	if *decide != 0 {
		v, err := moderation.ParseVerdict(*verdict)
		if err != nil || v == moderation.Review {
			fmt.Fprintf(s.err, "strazh review: -verdict %q: want allow, delete or ban\n", *verdict)
			return errUsage
		}
		var d time.Duration
		if *banFor != "" {
			if d, err = parseDuration(*banFor); err != nil {
				return fmt.Errorf("-ban: %w", err)
			}
			if d > 0 && d < time.Minute { // 0, like no -ban: forever
				// The daemon refused it in its own terms ("body: ban_for
				// 30s: … in nanoseconds"), the stopped path in the pipeline's.
				fmt.Fprintf(s.err, "strazh review: -ban %[1]s: бан не короче минуты (1d, 7d, 30d, 12h; без -ban: навсегда)\nstrazh review: -ban %[1]s: a ban lasts at least a minute (1d, 7d, 30d, 12h; no -ban: forever)\n", *banFor)
				return errUsage
			}
		}
		b, err := openBackend(cfg, true)
		if err != nil {
			return err
		}
		defer b.Close()
		dec, err := b.Resolve(ctx, *decide, v, d, whoAmI())
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "decision %d: %s by %s\n", dec.ID, dec.Final(), whoAmI())
		for _, a := range dec.Actions {
			fmt.Fprintf(s.out, "  %s: %s %s\n", a.Type, a.State, a.Error)
		}
		return nil
	}
	b, err := openBackend(cfg, false)
	if err != nil {
		return err
	}
	defer b.Close()
	list, err := b.PendingReviews()
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(s.out, "no pending reviews")
		return nil
	}
	for _, d := range list {
		fmt.Fprintf(s.out, "#%d  %s  %s  %s (%s)\n    %s\n    rules: %s\n    %s\n", d.ID, d.DecidedAt.Format("2006-01-02 15:04"),
			d.Comment.Account, d.Comment.Author.Name, d.Comment.Author.ID, excerpt(d.Comment.Text, 300), ruleList(d), d.Comment.Permalink)
	}
	fmt.Fprintf(s.out, "\n%d pending; decide with: strazh review -config %s -decide ID -verdict allow|delete|ban\n", len(list), *path)
	return nil
}

// reviewFlagsProblem says what is wrong with review's flags ("": nothing).
// -decide 0, or -verdict or -ban without -decide, used to list the pending
// reviews as if no decision had been asked for; -ban with another verdict
// was dropped.
func reviewFlagsProblem(fs *flag.FlagSet, decide uint64, verdict string) string {
	switch {
	case flagGiven(fs, "decide") && decide == 0:
		return "strazh review: -decide 0: номер решения — число ≥ 1, как в списке strazh review\n" +
			"strazh review: -decide 0: a decision ID is a number ≥ 1, as strazh review lists them"
	case !flagGiven(fs, "decide") && (flagGiven(fs, "verdict") || flagGiven(fs, "ban")):
		return "strazh review: -verdict и -ban задают только вместе с -decide ID\n" +
			"strazh review: -verdict and -ban go only with -decide ID"
	case flagGiven(fs, "ban"):
		if v, err := moderation.ParseVerdict(verdict); err == nil && v != moderation.Ban {
			return fmt.Sprintf("strazh review: -ban только с -verdict ban, а не %[1]q\nstrazh review: -ban goes only with -verdict ban, not %[1]q", verdict)
		}
	}
	return ""
}

func ruleList(d *moderation.Decision) string {
	parts := make([]string, 0, len(d.Matches))
	for _, m := range d.Matches {
		p := m.Rule
		if m.Reason != "" {
			p += " (" + m.Reason + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// excerpt shortens text to n runes on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
