package review

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// parseData splits callback data "<key>.<index>.<code>".
func parseData(s string) (key string, idx int, act string, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", 0, "", false
	}
	idx, err := strconv.Atoi(parts[1])
	if err != nil || idx < 0 {
		return "", 0, "", false
	}
	return parts[0], idx, parts[2], true
}

// banCodes maps the second-step codes to ban lengths (0: forever).
var banCodes = map[string]time.Duration{"b1": day, "b7": week, "b30": month, "b0": 0}

func isBanCode(act string) bool {
	_, ok := banCodes[act]
	return ok
}

// onTap handles a button press. It returns the answer to send once the
// outcome is saved: every tap is answered, or the client's spinner keeps
// running.
func (t *Reviewer) onTap(ctx context.Context, q *tap, w *work) func() {
	answer := func(text string, alert bool) func() {
		return func() { t.answer(ctx, q.id, text, alert) }
	}
	if q.chatID != t.cfg.ChatID {
		// Answered all the same, or the tapper's spinner keeps running.
		t.log.Info("tap from another chat ignored", "chat_id", q.chatID, t.userKey(), q.user.id)
		return answer(t.tx.ansOtherChat, false)
	}
	u := q.user
	log := t.log.With(t.userKey(), u.id, t.tr.channel()+"_user", u.name, "data", q.data)
	if !t.isModerator(u.id) {
		log.Warn("tap by a user who is not a moderator refused")
		return answer(t.tx.ansNoRights, true)
	}
	key, idx, act, ok := parseData(q.data)
	if !ok {
		return answer(t.tx.ansStale, false)
	}
	c, err := t.store.Card(key)
	if err != nil || idx >= len(c.Decisions) {
		log.Info("tap on an unknown card", "err", err)
		return answer(t.tx.ansStale, false)
	}
	id := c.Decisions[idx]
	log = log.With("decision_id", id)
	who, name := t.by(u.id), u.name
	actx, cancel := context.WithTimeout(ctx, t.tm.ActionTimeout)
	defer cancel()

	var d *moderation.Decision
	var done string // what to say when it worked
	switch {
	case act == actBanMenu || act == actBack || act == actDistrictMenu:
		d, err = t.mod.Decision(id)
		if err != nil {
			log.Error("tap: read decision", "err", err)
			return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
		}
		if decided(d) {
			w.refresh = append(w.refresh, refresh{key: key, close: true})
			return answer(t.already(d), true)
		}
		if act == actBanMenu {
			w.refresh = append(w.refresh, refresh{key: key, step: "ban"})
			return answer(t.tx.ansChooseBan, false)
		}
		if act == actDistrictMenu {
			w.refresh = append(w.refresh, refresh{key: key, step: stepDistrict})
			return answer(t.tx.ansChooseBan, false)
		}
		w.refresh = append(w.refresh, refresh{key: key})
		return answer(t.tx.ansBack, false)
	case act == actKeep || act == actDelete || isBanCode(act):
		v, banFor := moderation.Allow, time.Duration(0)
		switch act {
		case actKeep:
		case actDelete:
			v = moderation.Delete
		default:
			v, banFor = moderation.Ban, banCodes[act]
		}
		d, err = t.mod.Resolve(actx, id, v, banFor, who, name)
		done = fmt.Sprintf(t.tx.ansDone, t.verdictText(v, banFor))
		log = log.With("verdict", v.String(), "ban_for", banFor)
	case isDistrictCode(act):
		d, done, err, _ = t.districtTap(actx, id, act, who, name)
		log = log.With("verdict", "ban", "scope", "district", "ban_for", districtCodes[act])
	case act == actRestore:
		d, err = t.mod.Undo(actx, id, who, name)
		done = t.tx.ansRestored
		log = log.With("action", "undo")
	case act == actRetry:
		d, err = t.mod.Retry(actx, id, who)
		done = t.tx.ansRetried
		log = log.With("action", "retry")
	default:
		return answer(t.tx.ansStale, false)
	}
	switch {
	case errors.Is(err, moderation.ErrAlreadyDecided):
		log.Info("tap on an item already decided")
		w.refresh = append(w.refresh, refresh{key: key, close: true})
		if d == nil {
			d, _ = t.mod.Decision(id)
		}
		return answer(t.already(d), true)
	case errors.Is(err, moderation.ErrNothingToUndo):
		log.Info("restore tap on a decision that acted on nothing")
		w.refresh = append(w.refresh, refresh{key: key, close: true})
		return answer(t.tx.ansNothingToUndo, true)
	case err != nil:
		log.Error("tap failed", "err", err)
		w.refresh = append(w.refresh, refresh{key: key, close: c.Kind != "review"})
		return answer(fmt.Sprintf(t.tx.ansError, shortErr(err)), true)
	}
	w.refresh = append(w.refresh, refresh{key: key, close: true, by: who, name: name})
	if msg := firstFailure(d); msg != "" {
		log.Warn("moderator decision recorded, action failed", "err", msg)
		return answer(fmt.Sprintf(t.tx.ansFailed, msg), true)
	}
	log.Info("moderator decision")
	return answer(done, false)
}

// already is "Уже решено: удалить (Мария)".
func (t *Reviewer) already(d *moderation.Decision) string {
	if d == nil {
		return fmt.Sprintf(t.tx.ansAlready, "?", "?")
	}
	if editedByAuthor(d) {
		return t.tx.ansEdited
	}
	if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
		return fmt.Sprintf(t.tx.ansAlready, t.verdictText(d.Review.Verdict, d.Review.BanFor), who(d.Review.ByName, d.Review.By))
	}
	if d.UndoneBy != "" {
		return fmt.Sprintf(t.tx.ansAlready, t.tx.ansRestored, d.UndoneBy)
	}
	return fmt.Sprintf(t.tx.ansAlready, t.verdictText(d.Verdict, d.BanFor), d.DecidedBy)
}

func firstFailure(d *moderation.Decision) string {
	if d == nil {
		return ""
	}
	for _, a := range d.Actions {
		if a.State == moderation.ActionFailed {
			return shortErr(errors.New(a.Error))
		}
	}
	return ""
}

// shortErr keeps an answer under Telegram's 200 characters.
func shortErr(err error) string {
	s, _ := cut(err.Error(), 150)
	return s
}

// answer answers a callback query; failures are only logged (the query may
// be too old after an outage, which is harmless).
func (t *Reviewer) answer(ctx context.Context, id, text string, alert bool) {
	ctx, cancel := context.WithTimeout(ctx, t.tm.CallTimeout)
	defer cancel()
	if err := t.tr.answer(ctx, id, text, alert); err != nil {
		t.log.Debug("answer a tap", "err", err)
	}
}

// userKey is the log key of a messenger user's ID ("telegram_user_id").
func (t *Reviewer) userKey() string { return t.tr.channel() + "_user_id" }
