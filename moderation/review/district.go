package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
)

// DistrictModeration is a Moderation that runs several pages of one
// network as a district (pipeline.Pipeline is one). With it the card offers
// «Забанить везде», /stats counts per page and /author answers; without it
// the reviewer works as before.
type DistrictModeration interface {
	// District lists the configured pages of network.
	District(network string) []string
	// ResolveDistrict resolves a review as a ban carried to every page of
	// the comment's network.
	ResolveDistrict(ctx context.Context, id uint64, banFor time.Duration, by, byName string) (*moderation.Decision, error)
	// DistrictStats counts decisions since a time per page and in total.
	DistrictStats(since time.Time) (map[string]moderation.Stats, moderation.Stats, error)
	// AuthorDecisions lists the author's last decisions (at most limit,
	// oldest first) on the pages of network.
	AuthorDecisions(network, author string, limit int) ([]*moderation.Decision, error)
}

// Callback codes of «Забанить везде»: the menu, then the lengths "w1",
// "w7", "w30", "w0" (forever): districtCodes.
const actDistrictMenu = "w"

var districtCodes = map[string]time.Duration{"w1": day, "w7": week, "w30": month, "w0": 0}

const stepDistrict = "district"

func isDistrictCode(act string) bool {
	_, ok := districtCodes[act]
	return ok
}

// maxAuthorList is how many decisions /author shows.
const maxAuthorList = 15

// districtOf is the district interface when the comment's network has more
// than one page, else nil.
func (t *Reviewer) districtOf(network string) DistrictModeration {
	dm, ok := t.mod.(DistrictModeration)
	if !ok || len(dm.District(network)) < 2 {
		return nil
	}
	return dm
}

// districtRow is the «Забанить везде» button of a review card, or nil.
func (t *Reviewer) districtRow(c *cardstore.Card, d *moderation.Decision) []button {
	if t.districtOf(d.Comment.Network) == nil {
		return nil
	}
	return []button{t.button(t.tx.btnBanEverywhere, c, 0, actDistrictMenu)}
}

// districtMenu is the lengths of a district ban.
func (t *Reviewer) districtMenu(c *cardstore.Card) *keyboard {
	tx := t.tx
	return &keyboard{InlineKeyboard: [][]button{
		{t.button(tx.btnDay, c, 0, "w1"), t.button(tx.btnWeek, c, 0, "w7")},
		{t.button(tx.btnMonth, c, 0, "w30"), t.button(tx.btnForever, c, 0, "w0")},
		{t.button(tx.btnBack, c, 0, actBack)},
	}}
}

// districtTap resolves a review with «Забанить везде» and a length; ok is
// false when act is not one of its codes.
func (t *Reviewer) districtTap(ctx context.Context, id uint64, act, who, name string) (d *moderation.Decision, done string, err error, ok bool) {
	banFor, isCode := districtCodes[act]
	if !isCode {
		return nil, "", nil, false
	}
	dm, _ := t.mod.(DistrictModeration)
	if dm == nil {
		return nil, "", fmt.Errorf("this daemon runs no district"), true
	}
	d, err = dm.ResolveDistrict(ctx, id, banFor, who, name)
	return d, fmt.Sprintf(t.tx.ansDone, t.tx.btnBanEverywhere+" "+t.tx.banFor(banFor)), err, true
}

// statsPages is the per-page part of /stats since a time ("" without a
// district).
func (t *Reviewer) statsPages(name string, since time.Time) (string, error) {
	dm, ok := t.mod.(DistrictModeration)
	if !ok {
		return "", nil
	}
	per, _, err := dm.DistrictStats(since)
	if err != nil || len(per) < 2 {
		return "", err
	}
	pages := make([]string, 0, len(per))
	for p := range per {
		pages = append(pages, p)
	}
	slices.Sort(pages)
	var b strings.Builder
	fmt.Fprintf(&b, "\n<b>%s — %s:</b>", name, t.tx.statsPages)
	for _, p := range pages {
		s := per[p]
		b.WriteString("\n• " + fmt.Sprintf(t.tx.statsLine, esc(short(p)), s.Comments, s.Deleted, s.Banned, s.Reviewed, s.Pending))
	}
	return b.String(), nil
}

// authorText answers /author <network> <id>: what was decided about the
// author on the district's pages, newest last.
func (t *Reviewer) authorText(network, author string) string {
	dm, ok := t.mod.(DistrictModeration)
	if !ok {
		return fmt.Sprintf(t.tx.cmdError, "no district")
	}
	ds, err := dm.AuthorDecisions(network, author, maxAuthorList)
	if err != nil {
		return fmt.Sprintf(t.tx.cmdError, esc(shortErr(err)))
	}
	if len(ds) == 0 {
		return fmt.Sprintf(t.tx.authorNone, esc(short(author)), esc(t.networkName(network)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, t.tx.authorHead, esc(authorName(ds[len(ds)-1].Comment.Author)), esc(short(author)), esc(t.networkName(network)))
	for _, d := range ds {
		rule := "—"
		if len(d.Matches) > 0 {
			rule = d.Matches[len(d.Matches)-1].Rule
		}
		decider := t.tx.authorAuto
		switch {
		case d.Review != nil && d.Review.Status == moderation.ReviewDecided:
			decider = who(d.Review.ByName, d.Review.By)
		case d.Review != nil:
			decider = t.tx.authorWaiting
		case d.DecidedBy != moderation.ByAuto:
			decider = d.DecidedBy
		}
		excerpt, cutted := oneLine(d.Comment.Text, 60)
		if cutted {
			excerpt += "…"
		}
		fmt.Fprintf(&b, "\n%s #%d · %s · %s · %s · <code>%s</code> · %s: «%s»", verdictIcon(d.Final()), d.ID,
			t.fmtTime(d.DecidedAt), esc(short(d.Comment.Account)), esc(t.verdictText(d.Final(), finalBan(d))),
			esc(short(rule)), esc(short(decider)), esc(excerpt))
		if d.UndoneBy != "" {
			b.WriteString(" ↩️")
		}
	}
	return b.String()
}

// finalBan is the ban length in force.
func finalBan(d *moderation.Decision) time.Duration {
	if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
		return d.Review.BanFor
	}
	return d.BanFor
}
