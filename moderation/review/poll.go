package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// Why getUpdates is not done by go-telegram/bot's Start: the library stores
// update_id before the handlers run and asks for the next batch at once, so
// Telegram drops an update as confirmed while strazh may still be handling
// it (at-most-once; WithNotAsyncHandlers does not change that, the poller
// runs ahead of the worker). A tap made just before a crash would be lost.
// The library has no exported getUpdates, so pollUpdates makes that one
// call itself (same HTTP client, same server URL) and handles each update
// synchronously; the offset is saved in the CardStore only after the update
// was handled, together with what the handler queued, and the next
// getUpdates confirms it. Delivery is at-least-once; handling is idempotent
// (a repeated tap finds the decision already made and only refreshes the
// card). Every other Bot API call goes through the library.

// apiError is a Bot API error answer.
type apiError struct {
	Code        int
	Description string
	RetryAfter  time.Duration
}

func (e *apiError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

// getUpdates long-polls for updates from offset.
func (t *Telegram) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	secs := max(int(t.tm.PollTimeout/time.Second), 1)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs)*time.Second+t.tm.CallTimeout)
	defer cancel()
	form := url.Values{
		"timeout":         {strconv.Itoa(secs)},
		"allowed_updates": {`["message","callback_query"]`},
	}
	if offset > 0 {
		form.Set("offset", strconv.FormatInt(offset, 10))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		trimSlash(t.cfg.APIURL)+"/bot"+t.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := t.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token
		}
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	return decodeUpdates(resp.StatusCode, body)
}

// decodeUpdates reads a getUpdates answer.
func decodeUpdates(status int, body []byte) ([]*models.Update, error) {
	var r struct {
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		ErrorCode   int              `json:"error_code"`
		Description string           `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("getUpdates: HTTP %d: %w", status, err)
	}
	if !r.OK {
		return nil, &apiError{Code: r.ErrorCode, Description: r.Description,
			RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	return r.Result, nil
}

// pollLoop receives taps and commands until ctx is done.
func (t *Telegram) pollLoop(ctx context.Context) {
	offset, err := t.store.Offset()
	if err != nil {
		t.log.Error("read getUpdates offset", "err", err)
	}
	attempt := 0 // failures in a row
	for ctx.Err() == nil {
		ups, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			attempt++
			t.pollFailed(err)
			wait := t.tm.Retry.Wait(attempt, 0)
			var ae *apiError
			if errors.As(err, &ae) && ae.RetryAfter > 0 {
				// an instruction from Telegram, above max_interval too (as in sendLoop)
				wait = max(t.tm.Retry.Wait(1, 0), ae.RetryAfter)
			}
			t.log.Warn("telegram getUpdates failed, will retry", "err", err, "retry_in", wait)
			if !sleep(ctx, wait) {
				return
			}
			continue
		}
		attempt = 0
		t.pollOK()
		for _, u := range ups {
			if u.ID < offset {
				continue
			}
			t.handle(ctx, u)
			offset = u.ID + 1
		}
	}
}

// handle processes one update and saves the offset past it, together with
// whatever the handler queued.
func (t *Telegram) handle(ctx context.Context, u *models.Update) {
	var w work
	var answer func()
	switch {
	case u.CallbackQuery != nil:
		answer = t.onTap(ctx, u.CallbackQuery, &w)
	case u.Message != nil:
		t.onMessage(ctx, u.Message, &w)
	}
	w.ch.Offset = u.ID + 1
	t.commit(&w)
	if answer != nil {
		answer()
	}
}

// work collects what handling an update or a timer tick writes.
type work struct {
	ch      cardstore.Change
	refresh []refresh
}

// refresh asks for a card to be re-rendered in place.
type refresh struct {
	key      string
	close    bool   // the review is decided: no more reminders
	remind   bool   // a reminder was sent
	by, name string // who tapped, for the edited card
	step     string // "ban": show the durations (keyboard only)
}

// commit writes w in one transaction. Cards are re-read under cardMu so a
// concurrent sender's message ID is never overwritten.
func (t *Telegram) commit(w *work) {
	t.cardMu.Lock()
	defer t.cardMu.Unlock()
	if len(w.refresh) > 0 {
		// An edit already in the outbox may be in flight with what it
		// rendered before this change, so edits are deduplicated only
		// within this commit; a redundant one is answered "message is not
		// modified", which is ignored.
		queued := make(map[string]bool)
		cards := make(map[string]*cardstore.Card)
		for _, r := range w.refresh {
			c := cards[r.key]
			if c == nil {
				var err error
				if c, err = t.store.Card(r.key); err != nil {
					continue
				}
				cards[r.key] = c
				w.ch.Put = append(w.ch.Put, c)
			}
			if r.close {
				c.Open = false
			}
			if r.remind {
				c.Reminded = true
				continue
			}
			if r.name != "" {
				if c.Names == nil {
					c.Names = make(map[string]string)
				}
				c.Names[r.by] = r.name
			}
			op := cardstore.OpEdit
			if r.step != "" || !r.close && c.Kind == cardstore.KindReview {
				op = cardstore.OpKeyboard
			} else if queued[r.key] {
				continue
			}
			queued[r.key] = true
			w.ch.Enqueue = append(w.ch.Enqueue, &cardstore.Outgoing{Prio: cardstore.PrioInteractive, Op: op,
				Card: r.key, Step: r.step, ChatID: c.ChatID, Created: t.now()})
		}
	}
	if w.ch.Empty() {
		return
	}
	if err := t.store.Apply(w.ch); err != nil {
		t.log.Error("save telegram state", "err", err)
		return
	}
	if len(w.ch.Enqueue) > 0 {
		t.poke()
	}
}
