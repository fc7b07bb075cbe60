package main

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/pipeline"
)

type fakeSkipper struct {
	moderation.Connector
	n uint64
}

func (f fakeSkipper) PostsSkipped() uint64 { return f.n }

// Accounts whose connector passes posts over get a series (0 included, so
// an increase alerts from the first skip); others get none.
func TestSkippedMetrics_Collect(t *testing.T) {
	m := newSkippedMetrics([]pipeline.Account{
		{Name: "max", Conn: fakeSkipper{n: 3}},
		{Name: "fb", Conn: fakeSkipper{}},
		{Name: "tg", Conn: fakeMetaConn{}},
	})
	want := `
# HELP strazh_connector_posts_skipped_total Posts (OK topics, MAX posts, Facebook posts, Instagram media) whose comments were passed over in a poll cycle because the network refused them or answered in a shape that cannot be read; the other posts were read. Comments under a post skipped every cycle are not moderated.
# TYPE strazh_connector_posts_skipped_total counter
strazh_connector_posts_skipped_total{account="fb"} 0
strazh_connector_posts_skipped_total{account="max"} 3
`
	if err := testutil.CollectAndCompare(m, strings.NewReader(want), "strazh_connector_posts_skipped_total"); err != nil {
		t.Fatal(err)
	}
}
