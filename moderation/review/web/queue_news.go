package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/strazh/strazh/moderation"
)

// The queue page never reloads itself: a reload under the moderator's
// pointer moved the cards up when the chat decided one, and a click meant
// for one card's «Удалить» hit the next card's. Instead a small frame at
// its top (queue/news) reloads every review.web.refresh and says how many
// reviews are new and how many of the drawn ones were decided elsewhere,
// with «Обновить» for the whole page. The frame has a fixed size, so
// nothing under it moves.

// newsPath is the frame's address for a queue drawn with pending: the
// highest pending ID and how many there were. Decision IDs only grow and a
// decided review never becomes pending again, so a pending review above
// upto is new, and the drawn ones no longer pending were decided.
func newsPath(pending []card) string {
	var upto uint64
	for _, c := range pending {
		upto = max(upto, c.D.ID)
	}
	q := url.Values{"upto": {strconv.FormatUint(upto, 10)}, "n": {strconv.Itoa(len(pending))}}
	return "/queue/news?" + q.Encode()
}

type newsData struct {
	New, Gone int
	At        string // when the frame looked, hh:mm:ss in the daemon's zone
	Expired   bool   // no session: the frame says so instead of showing the sign-in page
	// Problem is what went wrong, in Russian (translated by T): the frame
	// shows it itself, since the error page refuses to be framed.
	Problem string
}

// newsCounts compares the pending reviews now with the drawn queue.
func newsCounts(pending []*moderation.Decision, upto uint64, drawn int) (fresh, gone int) {
	still := 0
	for _, d := range pending {
		if d.ID > upto {
			fresh++
		} else {
			still++
		}
	}
	return fresh, max(drawn-still, 0)
}

// news is the queue's frame. Without a session it says so, with a link
// opening the sign-in page in the whole window (the sign-in page refuses
// to be framed).
func (s *Server) news(w http.ResponseWriter, r *http.Request) {
	if s.current(r) == nil {
		s.renderNews(w, r, http.StatusOK, newsData{Expired: true})
		return
	}
	s.with(roleDecide, s.newsFor)(w, r)
}

func (s *Server) newsFor(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	upto, err1 := strconv.ParseUint(q.Get("upto"), 10, 64)
	drawn, err2 := strconv.Atoi(q.Get("n"))
	if err1 != nil || err2 != nil || drawn < 0 {
		s.renderNews(w, r, http.StatusBadRequest, newsData{Problem: "Неверный адрес: откройте очередь заново."})
		return
	}
	pending, err := s.deps.Moderation.PendingReviews()
	if err != nil {
		s.log.Error("web: read pending reviews", "err", err)
		s.renderNews(w, r, http.StatusInternalServerError, newsData{Problem: "Ошибка чтения базы: см. журнал службы."})
		return
	}
	d := newsData{At: s.deps.Now().In(time.Local).Format("15:04:05")}
	d.New, d.Gone = newsCounts(pending, upto, drawn)
	s.renderNews(w, r, http.StatusOK, d)
}

type newsView struct {
	view
	Refresh int // seconds; 0: the frame stays as it is
}

func (s *Server) renderNews(w http.ResponseWriter, r *http.Request, code int, d newsData) {
	v := &newsView{view: view{Page: "news", Data: d, loc: time.Local}}
	if sess := sessionOf(r); sess != nil {
		v.User = &sess.user
	}
	v.Lang = s.lang(w, r, v.User)
	// A sign-in or a bad address does not mend by waiting; the store may.
	if !d.Expired && code != http.StatusBadRequest {
		v.Refresh = int(s.cfg.Refresh / time.Second)
	}
	var buf bytes.Buffer
	if err := s.newsPage.Execute(&buf, v); err != nil {
		s.log.Error("render page", "page", "news", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	// Framed by the console's own queue page only.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func parseNews() (*template.Template, error) {
	return template.ParseFS(assets, "templates/news.html")
}
