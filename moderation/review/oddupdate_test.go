package review_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// oddUpdates serves the fake through a proxy that changes the messages of
// a getUpdates answer: one whose text holds "с новым полем" gets the
// fields a newer Bot API may send and go-telegram/bot cannot read (a
// forward_origin of a type it does not know, an unknown field); one whose
// text holds "нечитаемое" is replaced by a string, which nothing reads.
func oddUpdates(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/getUpdates") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var env struct {
			OK     bool                         `json:"ok"`
			Result []map[string]json.RawMessage `json:"result"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil {
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		for _, u := range env.Result {
			raw, ok := u["message"]
			switch {
			case !ok:
			case bytes.Contains(raw, []byte("нечитаемое")):
				u["message"] = json.RawMessage(`"?"`)
			case bytes.Contains(raw, []byte("с новым полем")):
				var m map[string]json.RawMessage
				if json.Unmarshal(raw, &m) == nil {
					m["forward_origin"] = json.RawMessage(`{"type":"story","date":1}`)
					m["some_future_field"] = json.RawMessage(`{"x":[1,2]}`)
					u["message"], _ = json.Marshal(m)
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(env)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTelegram_Run_UnreadableUpdate: messages in the review chat that the
// library cannot read, or that cannot be read at all, do not hold up the
// updates behind them: a moderator's tap after them is answered and acts.
// Before, the whole getUpdates answer failed to decode, every poll failed
// on the same offset, and no button or command worked until Telegram
// dropped the update a day later.
func TestTelegram_Run_UnreadableUpdate(t *testing.T) {
	e := newEnv(t, nil)
	proxy := oddUpdates(t, e.tg.Handler())
	e.cfg.APIURL = proxy.URL
	e.start()
	d := e.mod.review("спорный комментарий")
	e.submit(d)
	m := e.card("#1")
	e.tg.SendCommand(chatID, oleg, "пересланное сообщение с новым полем")
	e.tg.SendCommand(chatID, oleg, "нечитаемое сообщение")
	a := e.press(m, "Удалить", maria)
	if !strings.Contains(a.Text, "Готово") {
		t.Errorf("answer = %q", a.Text)
	}
	if calls := e.mod.calls(); len(calls) != 1 || calls[0].Verdict != moderation.Delete {
		t.Errorf("Resolve calls = %+v", calls)
	}
	// A command after them works too.
	e.tg.SendCommand(chatID, maria, "/pending")
	err := e.tg.Wait(e.ctx(), func() bool {
		for _, m := range e.tg.Messages(chatID) {
			if strings.Contains(m.Text, "Очередь пуста") {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Errorf("/pending after the unreadable updates not answered: %v", err)
	}
}
