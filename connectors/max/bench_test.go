package max

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// BenchmarkPipeline_ArrivalToDeletion measures, through the real pipeline
// and store against the fake, the time from a comment's creation to its
// deletion with a 1s poll interval (the defaults' 30s add up to 30s to
// every figure: the comment waits for its post's next poll). Comments
// arrive every 600ms, under the 2 deletions/s the connector keeps.
//
//	go test -run '^$' -bench ArrivalToDeletion -benchtime 1x ./connectors/max
func BenchmarkPipeline_ArrivalToDeletion(b *testing.B) {
	const n = 20
	for range b.N {
		f := newFake(b, maxtest.Options{})
		c := newConn(b, f, "bench", func(c *Config) { c.PollInterval = time.Second })
		connect(b, c)
		r := startPipeline(b, b.TempDir(), c)
		post := f.AddPost("p")
		created := map[string]time.Time{}
		for range n {
			created[f.AddComment(post, 501, "u", "удалить "+obsceneMark)] = time.Now()
			time.Sleep(600 * time.Millisecond)
		}
		eventually(b, "all deleted", func() bool { return f.DeletedCount() == n })
		r.stop()
		var lat []time.Duration
		for _, call := range f.Calls("/messages/" + post + "/comments") {
			if call.Method != http.MethodDelete || call.Status != http.StatusOK {
				continue
			}
			q, _ := url.ParseQuery(call.Query)
			lat = append(lat, call.At.Sub(created[q.Get("comment_id")]))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max-ms")
	}
}
