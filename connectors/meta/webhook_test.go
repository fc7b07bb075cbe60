package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
	"github.com/strazh/strazh/moderation"
)

func TestHub_Challenge(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true})
	connect(t, c)
	cases := []struct {
		name, mode, token string
		status            int
		body              string
	}{
		{"subscribe", "subscribe", metatest.VerifyToken, 200, "1158201444"},
		{"wrong token", "subscribe", "guess", 403, ""},
		{"wrong mode", "unsubscribe", metatest.VerifyToken, 403, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"hub.mode": {tc.mode}, "hub.verify_token": {tc.token}, "hub.challenge": {"1158201444"}}
			resp, err := http.Get(hookURL(c) + "?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || (tc.body != "" && string(b) != tc.body) {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, b, tc.status, tc.body)
			}
		})
	}
}

// A bad or missing signature is refused with 401 and counted, and the
// body is never parsed: a forged body that is not even JSON still gets
// 401 (a parse would give 400) and nothing reaches the inbox.
func TestHub_Deliver_ForgedRefused(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true})
	connect(t, c)
	post := f.AddPost("Пост")
	id := f.AddComment(post, "", "501", "Иван", "текст")
	good := f.Delivery(id, "add")
	cases := []struct {
		name string
		body []byte
		sig  string
	}{
		{"missing", good, "-"},
		{"other secret", good, metatest.Sign("not-the-app-secret", good)},
		{"other body", good, metatest.Sign(metatest.AppSecret, []byte("{}"))},
		{"not hex", good, "sha256=zz"},
		{"sha1", good, "sha1=" + strings.Repeat("0", 40)},
		{"forged junk", []byte("not json at all"), "sha256=" + strings.Repeat("ab", 32)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := metatest.Send(context.Background(), nil, hookURL(c), tc.body, tc.sig)
			if err != nil {
				t.Fatal(err)
			}
			if st != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", st)
			}
			if _, n := c.WebhookStats(); n["refused"] != uint64(i+1) || n["failed"] != 0 || n["accepted"] != 0 {
				t.Fatalf("counts %v", n)
			}
		})
	}
	var stored int
	_ = c.inbox.InboxAfter(c.account, 0, 10, func(uint64, []byte) error { stored++; return nil })
	if stored != 0 {
		t.Fatalf("%d forged deliveries stored", stored)
	}
	// The genuine one is taken.
	if st, _ := metatest.Send(context.Background(), nil, hookURL(c), good, ""); st != 200 {
		t.Fatalf("genuine delivery: %d", st)
	}
}

func TestHub_Deliver_TooLarge(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true})
	connect(t, c)
	body := bytes.Repeat([]byte("x"), defaultMaxBody+1)
	st, err := metatest.Send(context.Background(), nil, hookURL(c), body, "")
	if err != nil {
		t.Fatal(err)
	}
	if st != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d", st)
	}
}

// failingInbox cannot store.
type failingInbox struct{ *memInbox }

func (failingInbox) PutInbox(string, string, []byte) (uint64, bool, error) {
	return 0, false, errors.New("disk full")
}

// A delivery is acknowledged only once stored: a store that fails gets
// Meta a 500 (it delivers again).
func TestHub_Deliver_PersistedBeforeAck(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true, inbox: failingInbox{newMemInbox()}})
	connect(t, c)
	post := f.AddPost("Пост")
	id := f.AddComment(post, "", "501", "Иван", "текст")
	st, _ := metatest.Send(context.Background(), nil, hookURL(c), f.Delivery(id, "add"), "")
	if st != http.StatusInternalServerError {
		t.Fatalf("status %d with a failing store, want 500", st)
	}
}

// With polling far off, a webhook delivery is decided and acted on at
// once; Meta's retry of it is a duplicate; a delivery stored before a
// restart is decided after it (the inbox outlives the connector).
func TestConnector_Pipeline_Webhook(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			inbox := newMemInbox() // stands for the store: outlives the connectors
			dir := t.TempDir()
			c := newConn(t, f, network, "page", opts{webhook: true, inbox: inbox, poll: time.Hour})
			connect(t, c)
			r := startPipeline(t, dir, c)
			post := addPost(f, network, "Пост")
			// The first poll found nothing; the pipeline must come back
			// to Fetch long before poll_interval (an hour), or a delivery
			// would wait for the next poll.
			eventually(t, "Fetch called again after an empty poll", func() bool { return c.fetches.Load() >= 2 })
			id := f.AddComment(post, "", "501", "Иван", "по вебхуку "+obsceneMark)
			body := f.Delivery(id, "add")
			if st, _ := metatest.Send(context.Background(), nil, hookURL(c), body, ""); st != 200 {
				t.Fatalf("delivery: %d", st)
			}
			eventually(t, "acted on the webhook", func() bool { return f.Deleted(id) })
			if st, _ := metatest.Send(context.Background(), nil, hookURL(c), body, ""); st != 200 {
				t.Fatalf("retried delivery: %d", st)
			}
			if _, n := c.WebhookStats(); n["duplicate"] != 1 || n["accepted"] != 1 {
				t.Fatalf("counts %v", n)
			}
			r.Stop()

			// Stored and acknowledged, then strazh stops before deciding it.
			id2 := f.AddComment(post, "", "502", "Мария", "пока лежал "+obsceneMark)
			if _, err := c.hub.deliverTo(c, f.Delivery(id2, "add")); err != nil {
				t.Fatal(err)
			}
			// Changed on the network since: only the stored delivery has
			// the marked text, so its decision proves the inbox was read.
			if err := f.EditComment(id2, "уже исправлено"); err != nil {
				t.Fatal(err)
			}
			_ = c.Close(context.Background())
			c = newConn(t, f, network, "page", opts{webhook: true, inbox: inbox, poll: time.Hour})
			connect(t, c)
			r = startPipeline(t, dir, c)
			eventually(t, "the stored delivery decided after the restart", func() bool {
				return f.Deleted(id2) && r.decisions(t)["пока лежал "+obsceneMark] == 1
			})
			for text, n := range r.decisions(t) {
				if n != 1 {
					t.Errorf("%q decided %d times", text, n)
				}
			}
		})
	}
}

// A Facebook "remove" delivery tells the pipeline the comment is gone.
func TestConnector_Fetch_WebhookRemove(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true, poll: time.Hour})
	connect(t, c)
	post := f.AddPost("Пост")
	id := f.AddComment(post, "", "501", "Иван", "текст")
	if _, _, err := c.Fetch(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := metatest.Send(context.Background(), nil, hookURL(c), f.Delivery(id, "remove"), ""); st != 200 {
		t.Fatal(st)
	}
	ups, _, err := c.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 1 || ups[0].Type != moderation.UpdateDeleted || ups[0].Comment.Ref != id {
		t.Fatalf("updates %+v", ups)
	}
}

// deliverTo stores a signed-off delivery's changes for c as deliver
// does (tests stand for a delivery acknowledged just before a crash).
func (h *hub) deliverTo(c *Connector, body []byte) (int, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return 0, err
	}
	n := 0
	for _, e := range env.Entry {
		for _, ch := range e.Changes {
			rec, _ := json.Marshal(delivery{Object: env.Object, Entry: e.ID, Time: e.Time, Change: ch})
			_, added, err := c.inbox.PutInbox(c.account, deliveryKey(rec), rec)
			if err != nil {
				return n, err
			}
			if added {
				n++
			}
		}
	}
	return n, nil
}
