package review_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// oddTaps serves the fake through a proxy that puts, in every callback
// query of a getUpdates answer, what go-telegram/bot cannot read: a field
// of a type it does not expect, and a forward_origin of a type it does not
// know in the card's message.
func oddTaps(t *testing.T, h http.Handler) *httptest.Server {
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
			var q map[string]json.RawMessage
			if raw, ok := u["callback_query"]; !ok || json.Unmarshal(raw, &q) != nil {
				continue
			}
			q["game_short_name"] = json.RawMessage(`{"a":"new shape"}`)
			var m map[string]json.RawMessage
			if json.Unmarshal(q["message"], &m) == nil {
				m["forward_origin"] = json.RawMessage(`{"type":"story","date":1}`)
				q["message"], _ = json.Marshal(m)
			}
			u["callback_query"], _ = json.Marshal(q)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(env)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTelegram_Run_UnreadableTap: a moderator's tap whose callback query
// holds what the library cannot read is still answered and acts. Before,
// the update was skipped whole: the button spun and nothing was decided.
func TestTelegram_Run_UnreadableTap(t *testing.T) {
	e := newEnv(t, nil)
	proxy := oddTaps(t, e.tg.Handler())
	e.cfg.APIURL = proxy.URL
	e.start()
	d := e.mod.review("спорный комментарий")
	e.submit(d)
	m := e.card("#1")
	a := e.press(m, "Удалить", maria)
	if !strings.Contains(a.Text, "Готово") {
		t.Errorf("answer = %q", a.Text)
	}
	if calls := e.mod.calls(); len(calls) != 1 || calls[0].Verdict != moderation.Delete {
		t.Errorf("Resolve calls = %+v", calls)
	}
}
