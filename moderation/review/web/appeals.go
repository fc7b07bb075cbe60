package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/strazh/strazh/moderation"
)

// Appeals is what the appeals page needs (issue 15, «Ответить» in the web
// console): the store's open appeals and the pipeline's reply, the same
// path the chat desk posts through (review.AppealModeration).
type Appeals interface {
	OpenAppeals(account string) ([]*moderation.Appeal, error) // oldest first
	// ClosedAppeals lists up to limit answered or closed appeals of
	// account ("": all), the latest opened first, below the appeal after
	// (0: the newest); next continues the list (0: no more).
	ClosedAppeals(account string, after uint64, limit int) (list []*moderation.Appeal, next uint64, err error)
	Appeal(id uint64) (*moderation.Appeal, error)
	// ReplyAppeal posts text as the page and closes the appeal (answered
	// by by); ErrAlreadyDecided when it was answered meanwhile.
	ReplyAppeal(ctx context.Context, id uint64, text, by string) (*moderation.Appeal, error)
	CanReply(a *moderation.Appeal) bool // the network takes a reply from strazh
	// CloseAppeal closes it without posting (moderation.ClosedElsewhere or
	// ClosedNotAppeal); ErrAlreadyDecided when answered or closed already.
	CloseAppeal(id uint64, how, by string) (*moderation.Appeal, error)
}

// maxAnswer bounds an answer, in characters: what a chat moderator can
// send in one Telegram message. The form is multipart: URL-encoded, 4096
// Cyrillic letters take 24 KiB, over the console's 16 KiB body limit.
const maxAnswer = 4096

type appealCard struct {
	A        *moderation.Appeal
	Overdue  bool
	CanReply bool
	Text     string // the answer typed, kept when posting it failed
	Problem  string // why it was not posted (Russian, translated by T)
	Detail   string // the network's error, as it said it
}

type appealsData struct {
	Account  string
	Accounts []string
	Open     []appealCard
	Done     *moderation.Appeal // the appeal just answered (or found answered)
	Already  bool               // it had been answered elsewhere
	closedList
}

// appeals lists the open appeals, oldest first, with «Ответить» for
// moderators.
func (s *Server) appeals(w http.ResponseWriter, r *http.Request) {
	s.appealsPage(w, r, http.StatusOK, 0, "", "", "")
}

// appealsPage renders the page; failed (an appeal's ID) keeps the text
// typed for it and says the problem.
func (s *Server) appealsPage(w http.ResponseWriter, r *http.Request, code int, failed uint64, text, problem, detail string) {
	if s.deps.Appeals == nil {
		s.fail(w, r, http.StatusNotFound, "Обращения не отслеживаются (appeals.enabled).")
		return
	}
	account := r.URL.Query().Get("account")
	open, err := s.deps.Appeals.OpenAppeals(account)
	if err != nil {
		s.storeFailed(w, r, "open appeals", err)
		return
	}
	now := s.deps.Now()
	data := appealsData{Account: account, Accounts: s.deps.Accounts}
	for _, a := range open {
		c := appealCard{A: a, Overdue: now.After(a.Deadline), CanReply: s.deps.Appeals.CanReply(a)}
		if a.DecisionID == failed {
			c.Text, c.Problem, c.Detail = text, problem, detail
		}
		data.Open = append(data.Open, c)
	}
	after, err := closedAfter(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Неверный параметр closed_after: нужен номер обращения.")
		return
	}
	closed, next, err := closedPageOf(s.deps.Appeals, account, after)
	if errors.Is(err, moderation.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "Такого обращения нет.")
		return
	}
	if err != nil {
		s.storeFailed(w, r, "closed appeals", err)
		return
	}
	data.closedList = closedRows(closed, account, next, after.ID != 0)
	if id, err := strconv.ParseUint(r.URL.Query().Get("done"), 10, 64); err == nil {
		if a, err := s.deps.Appeals.Appeal(id); err == nil {
			data.Done, data.Already = a, r.URL.Query().Get("already") != ""
		}
	}
	s.render(w, r, code, "appeals", data)
}

// appealID reads the form's appeal number, answering the request itself
// when appeals are not tracked or the number is not one.
func (s *Server) appealID(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	if s.deps.Appeals == nil {
		s.fail(w, r, http.StatusNotFound, "Обращения не отслеживаются (appeals.enabled).")
		return 0, false
	}
	id, err := strconv.ParseUint(r.PostFormValue("id"), 10, 64)
	if err != nil || id == 0 {
		s.fail(w, r, http.StatusBadRequest, "Неверный номер обращения.")
		return 0, false
	}
	return id, true
}

// replyAppeal posts a moderator's answer as the page and closes the
// appeal, answered by "web:<user>".
func (s *Server) replyAppeal(w http.ResponseWriter, r *http.Request) {
	id, ok := s.appealID(w, r)
	if !ok {
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	switch {
	case text == "":
		s.appealsPage(w, r, http.StatusBadRequest, id, text, "Напишите ответ.", "")
		return
	case utf8.RuneCountInString(text) > maxAnswer:
		s.appealsPage(w, r, http.StatusBadRequest, id, text, "Ответ длиннее 4096 символов.", "")
		return
	}
	a, err := s.deps.Appeals.Appeal(id)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Такого обращения нет.")
		return
	case err != nil:
		s.storeFailed(w, r, "appeal", err)
		return
	case a.Open() && !s.deps.Appeals.CanReply(a):
		s.appealsPage(w, r, http.StatusBadRequest, id, text, "Эта сеть не даёт ответить из strazh: ответьте на странице вручную.", "")
		return
	}
	by := "web:" + sessionOf(r).user.Name
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	_, err = s.deps.Appeals.ReplyAppeal(ctx, id, text, by)
	already := errors.Is(err, moderation.ErrAlreadyDecided)
	switch {
	case errors.Is(err, moderation.ErrUnsupported): // the network, or a dry run
		s.log.Warn("web appeal answer not posted", "decision_id", id, "by", by, "err", err)
		s.appealsPage(w, r, http.StatusBadRequest, id, text, "Ответ не опубликован: ответьте на странице вручную.", shortErr(err))
		return
	case err != nil && !already:
		s.log.Error("web appeal answer not posted", "decision_id", id, "by", by, "err", err)
		s.appealsPage(w, r, http.StatusBadGateway, id, text, "Ответ не опубликован: повторите или ответьте на странице вручную.", shortErr(err))
		return
	}
	s.log.Info("web appeal answer", "decision_id", id, "by", by, "already_answered", already)
	u := "/appeals?done=" + strconv.FormatUint(id, 10)
	if already {
		u += "&already=1"
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// closeAppeal closes an appeal without posting, as «Ответили вне соцсети»
// (as=elsewhere) or «Не обращение» (as=not-appeal), by "web:<user>".
func (s *Server) closeAppeal(w http.ResponseWriter, r *http.Request) {
	id, ok := s.appealID(w, r)
	if !ok {
		return
	}
	how := r.PostFormValue("as")
	if how != moderation.ClosedElsewhere && how != moderation.ClosedNotAppeal {
		s.fail(w, r, http.StatusBadRequest, "Неверный способ закрыть обращение.")
		return
	}
	by := "web:" + sessionOf(r).user.Name
	_, err := s.deps.Appeals.CloseAppeal(id, how, by)
	already := errors.Is(err, moderation.ErrAlreadyDecided)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Такого обращения нет.")
		return
	case err != nil && !already:
		s.storeFailed(w, r, "close appeal", err)
		return
	}
	s.log.Info("web appeal closed", "decision_id", id, "by", by, "as", how, "already_closed", already)
	u := "/appeals?done=" + strconv.FormatUint(id, 10)
	if already {
		u += "&already=1"
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// shortErr keeps an error readable on the page.
func shortErr(err error) string {
	s := err.Error()
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// AnsweredBy names who answered or closed an appeal for people.
func (v *view) AnsweredBy(a *moderation.Appeal) string {
	switch {
	case a.Closed != "":
		return a.ClosedBy
	case a.AnsweredBy == "page":
		return v.T("страница")
	case strings.HasPrefix(a.AnsweredBy, "manager:"):
		return v.T("администратор страницы") + " " + strings.TrimPrefix(a.AnsweredBy, "manager:")
	}
	return a.AnsweredBy
}
