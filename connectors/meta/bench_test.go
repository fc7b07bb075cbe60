package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/strazh/strazh/connectors/meta/metatest"
	"github.com/strazh/strazh/moderation/store"
)

// The measurements of issue 16. Reproduce with
//
//	go test -run '^$' -bench . -benchmem -benchtime=200x ./connectors/meta/

// BenchmarkConnector_PollCycle: one poll cycle of a page (account) with
// 100 active posts, each with a new comment since the last cycle. Reports
// the Graph calls a cycle makes and per hour at the default poll interval.
func BenchmarkConnector_PollCycle(b *testing.B) {
	for _, network := range networks {
		b.Run(network, func(b *testing.B) {
			f := newFake(b)
			c := newConn(b, f, network, "page", opts{})
			c.api.lim = rate.NewLimiter(rate.Inf, 1) // count calls, not wait for them
			var posts []string
			for i := range 100 {
				p := addPost(f, network, "пост "+strconv.Itoa(i))
				posts = append(posts, p)
				f.AddComment(p, "", "501", "Иван", "старый комментарий")
			}
			ctx := context.Background()
			c.nextPoll = time.Time{}
			_, cur, err := c.Fetch(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := c.Calls()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for _, p := range posts {
					f.AddComment(p, "", "502", "Мария", "новый "+strconv.Itoa(i))
				}
				c.nextPoll = time.Time{}
				b.StartTimer()
				ups, next, err := c.Fetch(ctx, cur)
				if err != nil || len(ups) != len(posts) {
					b.Fatalf("cycle %d: %d updates, %v", i, len(ups), err)
				}
				cur = next
			}
			perCycle := float64(c.Calls()-start) / float64(b.N)
			b.ReportMetric(perCycle, "calls/cycle")
			b.ReportMetric(perCycle*float64(time.Hour/defaultPollInterval), "calls/hour")
			b.ReportMetric(float64(len(cur)), "cursor-bytes")
		})
	}
}

// BenchmarkHub_Deliver: the webhook handler from signed body to 200, with
// the in-memory inbox and with the bbolt store (fsync on and off).
func BenchmarkHub_Deliver(b *testing.B) {
	f := metatest.New(metatest.Options{})
	post := f.AddPost("Пост")
	id := f.AddComment(post, "", "501", "Иван", "обычный комментарий жителя о ремонте дороги")
	for _, kind := range []string{"mem", "bbolt-nosync", "bbolt-fsync"} {
		b.Run(kind, func(b *testing.B) {
			var inbox interface {
				PutInbox(string, string, []byte) (uint64, bool, error)
				InboxAfter(string, uint64, int, func(uint64, []byte) error) error
				DropInbox(string, uint64) error
			} = newMemInbox()
			if kind != "mem" {
				db, err := store.Open(filepath.Join(b.TempDir(), "s.db"), &store.Options{NoSync: kind == "bbolt-nosync"})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = db.Close() })
				inbox = db
			}
			s := DefaultFacebookConfig().settings()
			s.id, s.webhook.Listen = metatest.PageID, "127.0.0.1:0"
			h := newHub(s.webhook, hubSecrets{metatest.AppSecret, metatest.VerifyToken}, discard())
			c := &Connector{network: Facebook, set: s, account: "page", inbox: inbox, wake: make(chan struct{}, 1)}
			if err := h.attach(c, hubSecrets{metatest.AppSecret, metatest.VerifyToken}); err != nil {
				b.Fatal(err)
			}
			// Distinct deliveries (a duplicate would skip the store).
			bodies := make([][]byte, 256)
			change := changeOf(b, f.Delivery(id, "add"))
			for i := range bodies {
				bodies[i] = fmt.Appendf(nil, `{"object":"page","entry":[{"id":"%s","time":%d,"changes":[%s]}]}`,
					metatest.PageID, 1735689600+i, change)
			}
			var n atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := int(n.Add(1))
				body := bodies[k%len(bodies)]
				if k >= len(bodies) {
					// Unique beyond the prepared ones: a new time.
					body = fmt.Appendf(nil, `{"object":"page","entry":[{"id":"%s","time":%d,"changes":[%s]}]}`,
						metatest.PageID, 1735689600+k, change)
				}
				sig := metatest.Sign(metatest.AppSecret, body)
				req := httptest.NewRequest(http.MethodPost, "/meta/webhook", bytesReader(body))
				req.Header.Set(SignatureHeader, sig)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

// BenchmarkWebhook_EndToEnd: creation → webhook → decision → deletion on
// the fake, through the real pipeline and bbolt store (poll far off), one
// comment at a time. "paced" keeps the token's 10 requests a second (the
// deletion waits for its slot when comments come back to back);
// "unpaced" shows strazh's own share.
func BenchmarkWebhook_EndToEnd(b *testing.B) {
	for _, paced := range []bool{true, false} {
		b.Run(map[bool]string{true: "paced", false: "unpaced"}[paced], func(b *testing.B) {
			f := newFake(b)
			c := newConn(b, f, Facebook, "page", opts{webhook: true, poll: time.Hour})
			if !paced {
				c.api.lim = rate.NewLimiter(rate.Inf, 1)
			}
			connect(b, c)
			post := f.AddPost("Пост")
			startPipeline(b, b.TempDir(), c)
			eventually(b, "the first poll", func() bool { return len(f.Calls("/comments")) > 0 })
			url := hookURL(c)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := f.AddComment(post, "", "501", "Иван", "плохое "+strconv.Itoa(i)+" "+obsceneMark)
				if st, err := metatest.Send(context.Background(), nil, url, f.Delivery(id, "add"), ""); err != nil || st != 200 {
					b.Fatalf("delivery: %d %v", st, err)
				}
				for !f.Deleted(id) {
					time.Sleep(100 * time.Microsecond)
				}
			}
		})
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// changeOf extracts the single change of a delivery.
func changeOf(b *testing.B, body []byte) string {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || len(env.Entry) != 1 || len(env.Entry[0].Changes) != 1 {
		b.Fatalf("delivery %s: %v", body, err)
	}
	return string(env.Entry[0].Changes[0])
}
