package telegram

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkConnector_Fetch measures how many comments per second the
// connector takes in from the fake: b.N comments queued in one thread,
// fetched (100 per getUpdates, Telegram's maximum) and converted.
func BenchmarkConnector_Fetch(b *testing.B) {
	f := newFake(b)
	c := newConn(b, f, "tg", nil)
	connect(b, c)
	post := f.Post(groupID, "пост")
	d := newDriver(b, c, nil)
	d.Until("the post", func() bool { return c.posts.has(int(post)) })
	for i := range b.N {
		f.Comment(groupID, ivan, post, "комментарий номер "+strconv.Itoa(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for n < b.N {
		n += len(d.Fetch())
	}
	b.StopTimer()
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "comments/s")
}

// BenchmarkPipeline_DeleteLatency measures arrival → deletion through the
// real pipeline and bbolt store: the time from a comment's update being
// queued at the fake to the deleteMessage call reaching it. Comments to
// delete arrive every 10ms (100/s, far above a real group) from another
// goroutine; at 2ms the sequential deletions saturate and it measures the queue.
func BenchmarkPipeline_DeleteLatency(b *testing.B) {
	f := newFake(b)
	startPipeline(b, b.TempDir(), newConn(b, f, "tg", nil))
	post := f.Post(groupID, "пост")

	var mu sync.Mutex
	posted := map[string]time.Time{} // message id -> when it was posted
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	b.ResetTimer()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for i := range b.N {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			mu.Lock()
			id := f.Comment(groupID, ivan, post, "плохо "+obsceneMark+" "+strconv.Itoa(i))
			posted[strconv.FormatInt(id, 10)] = time.Now()
			mu.Unlock()
		}
	}()
	var lat []time.Duration
	eventually(b, "every deletion", func() bool { return f.Calls("deleteMessage", 200) >= b.N })
	b.StopTimer()
	cancel()
	wg.Wait()
	mu.Lock()
	for _, r := range f.Requests() {
		if t0, ok := posted[r.Params["message_id"]]; ok && r.Method == "deleteMessage" {
			lat = append(lat, r.At.Sub(t0))
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
