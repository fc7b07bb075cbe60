package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// The ban lengths of «Удалить и забанить», as in Telegram.
const (
	day   = 24 * time.Hour
	week  = 7 * day
	month = 30 * day
)

// banChoices are the form values and button words of the ban lengths.
var banChoices = []struct {
	Value, Word string
	For         time.Duration
}{
	{"day", "1 день", day}, {"week", "1 неделя", week}, {"month", "1 месяц", month}, {"forever", "Навсегда", 0},
}

type card struct {
	D          *moderation.Decision
	Waiting    time.Duration
	Restorable bool
	Failure    string // why an action failed on the network ("": none failed)
	// RemindAfter is review.web.remind_after when the review has waited
	// that long (0: not yet, or no reminders).
	RemindAfter time.Duration
}

// Wait says how long the card has waited, in minutes or hours.
func (c card) Wait() string { return durationWords(c.Waiting) }

// Remind is remind_after in words, for the reminder mark.
func (c card) Remind() string { return durationWords(c.RemindAfter) }

func durationWords(d time.Duration) string {
	switch {
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " мин"
	case d < 2*day:
		return strconv.Itoa(int(d/time.Hour)) + " ч"
	}
	return strconv.Itoa(int(d/day)) + " дн"
}

type queueData struct {
	Pending []card
	Recent  []card // automatic actions of the last day, newest first
	Failed  []card // decisions of the last week whose action failed on the network
	Bans    any
	Outcome *moderation.Decision // the decision just made (or found made)
	Already bool                 // it had been decided elsewhere
	News    string               // the address of the frame saying what changed ("": review.web.refresh is 0)
}

// recentAuto is how many automatic actions the queue page lists;
// failedMax how many decisions with a failed action, of the last failedFor.
const (
	recentAuto = 20
	failedMax  = 50
	failedFor  = week
)

func (s *Server) queue(w http.ResponseWriter, r *http.Request) {
	pending, err := s.deps.Moderation.PendingReviews()
	if err != nil {
		s.storeFailed(w, r, "pending reviews", err)
		return
	}
	now := s.deps.Now()
	data := queueData{Bans: banChoices}
	for _, d := range pending {
		c := card{D: d, Waiting: now.Sub(d.DecidedAt)}
		if s.cfg.RemindAfter > 0 && c.Waiting >= s.cfg.RemindAfter {
			c.RemindAfter = s.cfg.RemindAfter // the chats remind once; here the card says so while it waits
		}
		data.Pending = append(data.Pending, c)
	}
	// Read in ID order (no time index: a look-up per record costs 4x) and
	// skipped undecoded unless the record holds the word "failed"; the
	// last auditScan decisions at most.
	since := now.Add(-failedFor)
	p, err := s.deps.Store.DecisionPage(store.PageQuery{
		Query:    moderation.Query{Limit: failedMax},
		Contains: []byte(moderation.ActionFailed),
		Keep:     func(d *moderation.Decision) bool { return retryable(d) && !d.DecidedAt.Before(since) },
		MaxScan:  auditScan,
	})
	if err != nil {
		s.storeFailed(w, r, "failed actions", err)
		return
	}
	for _, d := range p.Decisions {
		data.Failed = append(data.Failed, card{D: d, Waiting: now.Sub(d.DecidedAt), Restorable: s.restorable(d), Failure: failure(d)})
	}
	p, err = s.deps.Store.DecisionPage(store.PageQuery{
		Query: moderation.Query{Since: now.Add(-day), Verdicts: []moderation.Verdict{moderation.Delete, moderation.Ban}, Limit: recentAuto},
		// The failed ones are listed above, with «Повторить».
		Keep:    func(d *moderation.Decision) bool { return d.Review == nil && !retryable(d) },
		MaxScan: 5000,
	})
	if err != nil {
		s.storeFailed(w, r, "recent actions", err)
		return
	}
	for _, d := range p.Decisions {
		data.Recent = append(data.Recent, card{D: d, Waiting: now.Sub(d.DecidedAt), Restorable: s.restorable(d)})
	}
	if s.cfg.Refresh > 0 {
		data.News = newsPath(data.Pending)
	}
	if id, err := strconv.ParseUint(r.URL.Query().Get("done"), 10, 64); err == nil {
		if d, err := s.deps.Moderation.Decision(id); err == nil {
			data.Outcome, data.Already = d, r.URL.Query().Get("already") != ""
		}
	}
	s.render(w, r, http.StatusOK, "queue", data)
}

// restorable says whether «Восстановить» can work: an action was done and
// the network can undo it.
func (s *Server) restorable(d *moderation.Decision) bool {
	if d.DryRun || d.UndoneBy != "" {
		return false
	}
	known := s.deps.Capabilities != nil
	var caps moderation.Capabilities
	if known {
		caps = s.deps.Capabilities(d.Comment.Account)
	}
	for _, a := range d.Actions {
		if a.State != moderation.ActionDone {
			continue
		}
		if !known || (a.Type == moderation.ActDelete && caps.Restore) || (a.Type == moderation.ActBan && caps.Unban) {
			return true
		}
	}
	return false
}

// retryable reports whether «Повторить» can work: an action failed on the
// network and the decision is not undone (the pipeline refuses those).
func retryable(d *moderation.Decision) bool {
	return d.UndoneBy == "" && failure(d) != ""
}

// failure is the error of the decision's first failed action, cut to 200
// characters ("": none failed).
func failure(d *moderation.Decision) string {
	for _, a := range d.Actions {
		if a.State != moderation.ActionFailed {
			continue
		}
		msg := cmp.Or(a.Error, "error")
		if r := []rune(msg); len(r) > 200 {
			msg = string(r[:200]) + "…"
		}
		return string(a.Type) + ": " + msg
	}
	return ""
}

// decide carries out a tap: keep, delete, ban (with its length), restore
// or retry. The decision is recorded with by = "web:<user>".
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	id, err := strconv.ParseUint(r.PostFormValue("id"), 10, 64)
	if err != nil || id == 0 {
		s.fail(w, r, http.StatusBadRequest, "Неверный номер решения.")
		return
	}
	by, name := "web:"+sess.user.Name, sess.user.Name
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	act := r.PostFormValue("action")
	banWord, isBan := strings.CutPrefix(act, "ban-")
	if isBan {
		act = "ban"
	}
	switch act {
	case "keep":
		_, err = s.deps.Moderation.Resolve(ctx, id, moderation.Allow, 0, by, name)
	case "delete":
		_, err = s.deps.Moderation.Resolve(ctx, id, moderation.Delete, 0, by, name)
	case "ban":
		banFor, ok := time.Duration(-1), false
		for _, c := range banChoices {
			if c.Value == banWord {
				banFor, ok = c.For, true
			}
		}
		if !ok {
			s.fail(w, r, http.StatusBadRequest, "Выберите срок бана.")
			return
		}
		_, err = s.deps.Moderation.Resolve(ctx, id, moderation.Ban, banFor, by, name)
	case "restore":
		_, err = s.deps.Moderation.Undo(ctx, id, by, name)
	case "retry":
		err = s.retry(ctx, id, by)
	default:
		s.fail(w, r, http.StatusBadRequest, "Неизвестное действие.")
		return
	}
	already := errors.Is(err, moderation.ErrAlreadyDecided)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Такого решения нет.")
		return
	case errors.Is(err, moderation.ErrNothingToUndo):
		s.fail(w, r, http.StatusConflict, "Восстанавливать нечего: комментарий не удаляли, автора не банили.")
		return
	case err != nil && !already:
		s.log.Error("web decision", "decision_id", id, "by", by, "err", err)
		s.fail(w, r, http.StatusInternalServerError, "Решение не выполнено: см. журнал службы.")
		return
	}
	s.log.Info("web decision", "decision_id", id, "by", by, "action", r.PostFormValue("action"), "already_decided", already)
	u := "/queue?done=" + strconv.FormatUint(id, 10)
	if already {
		u += "&already=1"
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// retry runs a decision's failed actions again. One that has none left
// (retried meanwhile in another channel, or undone) is ErrAlreadyDecided,
// so the moderator sees its state instead of an error.
func (s *Server) retry(ctx context.Context, id uint64, by string) error {
	d, err := s.deps.Moderation.Decision(id)
	if err != nil {
		return err
	}
	if !retryable(d) {
		return moderation.ErrAlreadyDecided
	}
	_, err = s.deps.Moderation.Retry(ctx, id, by)
	return err
}

func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.log.Error("web: read "+what, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Ошибка чтения базы: см. журнал службы.")
}

// Failure is the error of the decision's failed action, for the pages.
func (v *view) Failure(d *moderation.Decision) string { return failure(d) }

// Retryable says whether the page offers «Повторить» for d.
func (v *view) Retryable(d *moderation.Decision) bool { return retryable(d) && v.Can("decide") }
