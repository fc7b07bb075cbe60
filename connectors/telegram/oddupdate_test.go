package telegram

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// oddUpdates serves the fake through a proxy that adds, to every message
// of a getUpdates answer whose text contains mark, the fields a newer Bot
// API may send and the library's models cannot read (a forward_origin of
// a type it does not know, an unknown field).
func oddUpdates(t *testing.T, f *telegramtest.Server, mark string) *httptest.Server {
	t.Helper()
	h := f.Handler()
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
			for _, key := range []string{"message", "edited_message"} {
				raw, ok := u[key]
				if !ok || !bytes.Contains(raw, []byte(mark)) {
					continue
				}
				var m map[string]json.RawMessage
				if json.Unmarshal(raw, &m) != nil {
					continue
				}
				m["forward_origin"] = json.RawMessage(`{"type":"story","date":1}`)
				m["some_future_field"] = json.RawMessage(`{"x":[1,2]}`)
				u[key], _ = json.Marshal(m)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(env)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestConnector_Fetch_UnreadableUpdate: an update the library's models
// cannot read (a union type the Bot API grew after it) is read without the
// field it cannot read; it neither blocks the updates behind it nor is
// lost. Before, the whole getUpdates answer failed to decode, every Fetch
// failed on the same offset, and the account moderated nothing until
// Telegram dropped the update a day later.
func TestConnector_Fetch_UnreadableUpdate(t *testing.T) {
	f := newFake(t)
	proxy := oddUpdates(t, f, "с новым полем")
	cfg := testConfig(f)
	cfg.APIURL = proxy.URL
	c := newConnector(cfg, connectors.Deps{Account: "tg", HTTPClient: proxy.Client()}, f.Token())
	c.confirm = testConfirm
	t.Cleanup(func() { _ = c.Close(t.Context()) })
	connect(t, c)
	d := newDriver(t, c, nil)
	post := f.Post(groupID, "Ремонт дороги на Садовой")
	f.Comment(groupID, ivan, post, "комментарий с новым полем")
	f.Comment(groupID, maria, post, "обычный комментарий после него")
	d.Until("both comments", func() bool { return len(d.All) >= 2 })
	odd := d.Find("комментарий с новым полем")
	if len(odd) != 1 || odd[0].Comment.Author.ID != "501" || odd[0].Comment.PostID == "" {
		t.Fatalf("the odd comment: %+v", odd)
	}
	if len(d.Find("обычный комментарий после него")) != 1 {
		t.Fatalf("the comment behind it: %+v", d.All)
	}
}
