package meta

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// Any signed body, however odd, gets 200 or 400 and never a panic; what it
// stored converts or is passed over.
func FuzzHub_Deliver(f *testing.F) {
	s := metatest.New(metatest.Options{})
	post := s.AddPost("Пост")
	f.Add(s.Delivery(s.AddComment(post, "", "501", "Иван", "текст"), "add"))
	f.Add([]byte(`{"object":"page","entry":[{"id":"1010","changes":[{"field":"feed","value":{"item":"comment","verb":"remove"}}]}]}`))
	f.Add([]byte(`{"object":"instagram","entry":[{"id":"17841400000000001","time":-1,"changes":[{"field":"comments","value":{"id":"1","media":null}}]}]}`))
	f.Add([]byte(`{"entry":[{"changes":[null,1,"x"]}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, network := range networks {
			set := DefaultFacebookConfig().settings()
			set.id = metatest.PageID
			if network == Instagram {
				set = DefaultInstagramConfig().settings()
				set.id = metatest.IGUserID
			}
			sec := hubSecrets{metatest.AppSecret, metatest.VerifyToken}
			h := newHub(set.webhook, sec, discard())
			c := &Connector{network: network, set: set, account: "a", inbox: newMemInbox(), wake: make(chan struct{}, 1), log: discard()}
			if err := h.attach(c, sec); err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, "/meta/webhook", bytes.NewReader(body))
			req.Header.Set(SignatureHeader, metatest.Sign(metatest.AppSecret, body))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
				t.Fatalf("status %d", w.Code)
			}
			var cur cursor
			if _, err := c.drain(&cur); err != nil {
				t.Fatal(err)
			}
		}
	})
}
