package vk

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// BenchmarkConnector_Fetch measures how many comments per second the
// connector takes in from the fake: b.N comments queued across 50 posts,
// fetched, converted and named.
func BenchmarkConnector_Fetch(b *testing.B) {
	f := newFake(b, vktest.Options{})
	c := newConn(b, f, nil)
	connect(b, c)
	posts := make([]int, 50)
	for i := range posts {
		posts[i] = f.AddPost("p")
	}
	d := newDriver(b, c, nil)
	d.Fetch() // take the long-poll position before the comments come
	for i := range b.N {
		f.AddComment(posts[i%50], 1000+i%500, "комментарий номер "+strconv.Itoa(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for n < b.N {
		n += len(d.Fetch())
	}
	b.StopTimer()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkConnector_DeleteLatency measures the time from a comment's
// arrival at the fake to the wall.deleteComment call reaching it, with a
// trivial decide function in the loop (delete what says "спам"). Comments
// arrive every 2ms from another goroutine; the rate limiters are lifted
// (with VK's 3/s for the user token, deletes queue behind the limiter).
func BenchmarkConnector_DeleteLatency(b *testing.B) {
	f := newFake(b, vktest.Options{})
	c := newConn(b, f, nil)
	connect(b, c)
	post := f.AddPost("p")
	d := newDriver(b, c, nil)
	d.Fetch()

	var mu sync.Mutex
	posted := map[string]time.Time{} // ref -> when it was posted
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for i := range b.N {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			mu.Lock()
			id := f.AddComment(post, 501, "спам номер "+strconv.Itoa(i))
			posted["wall:-1:"+strconv.Itoa(id)] = time.Now()
			mu.Unlock()
		}
	}()
	b.ResetTimer()
	deleted := 0
	for deleted < b.N {
		for _, u := range d.Fetch() {
			if u.Type == moderation.UpdateComment && strings.Contains(u.Comment.Text, "спам") {
				if err := c.Delete(ctx, u.Comment.Ref); err != nil {
					b.Fatal(err)
				}
				deleted++
			}
		}
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	var lat []time.Duration
	mu.Lock()
	for _, cl := range f.Calls("wall.deleteComment") {
		ref := "wall:" + cl.Params.Get("owner_id") + ":" + cl.Params.Get("comment_id")
		if t0, ok := posted[ref]; ok {
			lat = append(lat, cl.At.Sub(t0))
		}
	}
	mu.Unlock()
	slices.Sort(lat)
	if len(lat) == 0 {
		b.Fatal("no latencies")
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
}
