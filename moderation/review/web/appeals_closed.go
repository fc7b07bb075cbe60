package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// closedPage is how many closed appeals the page shows at a time.
const closedPage = 50

// The outcomes of a closed appeal, in Russian (the page translates them).
const (
	outcomeAnswered  = "Ответили в соцсети" // the page, a manager, or a moderator from strazh
	outcomeElsewhere = "Ответили вне соцсети"
	outcomeNotAppeal = "Не обращение"
	outcomeExpired   = "Осталось без ответа: закрыто автоматически"
)

// closedAppeal is one row of the closed list.
type closedAppeal struct {
	A       *moderation.Appeal
	How     string    // an outcome above
	At      time.Time // answered or closed
	Counted bool      // answered or expired: on time or not is said
	OnTime  bool
	Class   string // the row's CSS class: answered, elsewhere, not-appeal, expired
}

// closedList is the closed appeals part of the page: closedPage at a
// time, the latest opened first.
type closedList struct {
	Closed     []closedAppeal
	ClosedMore bool   // a page after the first: the heading says so
	ClosedNext string // the next page's URL; "" on the last
}

// closedCursor is where a page of closed appeals starts: below the
// appeal ID, opened at At when it is known.
type closedCursor struct {
	ID uint64
	At time.Time // zero: look the appeal up (a link without the time)
}

// closedAfter reads ?closed_after=: the last appeal of the page before,
// as "ID-OPENED" (its opening time, unix nanoseconds: the place survives
// the appeal's pruning) or a bare ID (links made before that).
func closedAfter(r *http.Request) (closedCursor, error) {
	v := r.URL.Query().Get("closed_after")
	if v == "" {
		return closedCursor{}, nil
	}
	idPart, atPart, timed := strings.Cut(v, "-")
	n, err := strconv.ParseUint(idPart, 10, 64)
	if err != nil || n == 0 {
		return closedCursor{}, strconv.ErrSyntax
	}
	c := closedCursor{ID: n}
	if timed {
		ns, err := strconv.ParseInt(atPart, 10, 64)
		if err != nil {
			return closedCursor{}, strconv.ErrSyntax
		}
		c.At = time.Unix(0, ns)
	}
	return c, nil
}

// closedAtLister lists closed appeals from a place that needs no appeal
// kept there (the store's ClosedAppealsAt).
type closedAtLister interface {
	ClosedAppealsAt(account string, openedAt time.Time, after uint64, limit int) ([]*moderation.Appeal, uint64, error)
}

// closedPageOf lists the page of closed appeals from c.
func closedPageOf(ap Appeals, account string, c closedCursor) ([]*moderation.Appeal, uint64, error) {
	if l, ok := ap.(closedAtLister); ok && !c.At.IsZero() {
		return l.ClosedAppealsAt(account, c.At, c.ID, closedPage)
	}
	return ap.ClosedAppeals(account, c.ID, closedPage)
}

// closedRows says how each appeal ended, who and when.
func closedRows(list []*moderation.Appeal, account string, next uint64, more bool) closedList {
	l := closedList{ClosedMore: more}
	for _, a := range list {
		c := closedAppeal{A: a, How: outcomeAnswered, At: a.AnsweredAt, Counted: true, OnTime: a.OnTime(), Class: "answered"}
		switch {
		case a.NotAppeal():
			c = closedAppeal{A: a, How: outcomeNotAppeal, At: a.ClosedAt, Class: moderation.ClosedNotAppeal}
		case a.Expired():
			c = closedAppeal{A: a, How: outcomeExpired, At: a.ClosedAt, Counted: true, Class: moderation.ClosedExpired}
		case a.Closed == moderation.ClosedElsewhere:
			c.How, c.Class = outcomeElsewhere, moderation.ClosedElsewhere
		}
		l.Closed = append(l.Closed, c)
	}
	if next != 0 && len(list) > 0 {
		last := list[len(list)-1] // next is the last listed
		q := url.Values{"closed_after": {strconv.FormatUint(next, 10) + "-" + strconv.FormatInt(last.OpenedAt.UnixNano(), 10)}}
		if account != "" {
			q.Set("account", account)
		}
		l.ClosedNext = "/appeals?" + q.Encode() + "#closed"
	}
	return l
}
