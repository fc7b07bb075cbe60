package ok

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkCycle_100Topics is one poll cycle over a page with 100 active
// topics (catchup_topics 100), each with a new comment: it reports the API
// calls a cycle makes, which with poll_interval give the calls per hour.
func BenchmarkCycle_100Topics(b *testing.B) {
	f, tok := newFake(b)
	c := newConn(b, f, "ok-a", tok, func(cfg *Config) { cfg.CatchupTopics = 100; cfg.PollInterval = time.Millisecond })
	var topics []string
	for range 100 {
		t := f.AddTopic(testGID)
		topics = append(topics, t)
		for j := range 30 {
			f.AddComment(t, "5810", fmt.Sprint("старый ", j))
		}
	}
	d := newDriver(b, c, nil)
	d.Fetch()
	b.ResetTimer()
	before := c.api.Calls()
	for i := 0; b.Loop(); i++ {
		for _, t := range topics {
			f.AddComment(t, "5811", fmt.Sprint("новый ", i))
		}
		d.Fetch()
	}
	b.ReportMetric(float64(c.api.Calls()-before)/float64(b.N), "calls/cycle")
}

// BenchmarkArrivalToDeletion runs the real pipeline and store over the
// fake at a scaled poll interval (100ms instead of 30s: the delay is
// dominated by the wait for the next cycle, so it scales with the
// interval) and reports arrival → deletion p50 and p99, in milliseconds
// and as a fraction of the interval.
func BenchmarkArrivalToDeletion(b *testing.B) {
	const interval = 100 * time.Millisecond
	f, tok := newFake(b)
	c := newConn(b, f, "ok-a", tok, func(cfg *Config) { cfg.PollInterval = interval })
	r := startPipeline(b, b.TempDir(), c)
	topic := f.AddTopic(testGID)
	var delays []time.Duration
	for b.Loop() {
		time.Sleep(time.Duration(rand.Int64N(int64(interval)))) // arrive at a random moment of the cycle
		at := time.Now()
		id := f.AddComment(topic, "5810", fmt.Sprint("ругань ", obsceneMark, " ", at.UnixNano()))
		eventually(b, "deleted", func() bool { return f.Deleted(id) })
		delays = append(delays, f.DeletedAt(id).Sub(at))
	}
	r.stop()
	slices.Sort(delays)
	p := func(q float64) time.Duration { return delays[min(len(delays)-1, int(q*float64(len(delays))))] }
	b.ReportMetric(float64(p(0.5).Milliseconds()), "p50_ms")
	b.ReportMetric(float64(p(0.99).Milliseconds()), "p99_ms")
	b.ReportMetric(float64(p(0.5))/float64(interval), "p50/interval")
	b.ReportMetric(float64(p(0.99))/float64(interval), "p99/interval")
}
