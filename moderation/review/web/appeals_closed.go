package web

import (
	"net/http"
	"net/url"
	"strconv"
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

// closedAfter reads ?closed_after= (the last appeal of the page before).
func closedAfter(r *http.Request) (uint64, error) {
	v := r.URL.Query().Get("closed_after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
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
	if next != 0 {
		q := url.Values{"closed_after": {strconv.FormatUint(next, 10)}}
		if account != "" {
			q.Set("account", account)
		}
		l.ClosedNext = "/appeals?" + q.Encode() + "#closed"
	}
	return l
}
