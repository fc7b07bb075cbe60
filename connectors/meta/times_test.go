package meta

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// TestConnector_Fetch_CommentTimes: a comment whose created_time (or
// Instagram timestamp) comes in another form than Graph's
// "2025-01-01T12:00:00+0000" is delivered: RFC 3339 forms are read, and
// one that cannot be read is taken as now. Such a comment was dated year
// 1, taken as older than everything the post had seen, and never
// delivered, silently.
func TestConnector_Fetch_CommentTimes(t *testing.T) {
	tests := []struct {
		layout string
		exact  bool // the time is read as it was written
	}{
		{time.RFC3339, true},
		{"2006-01-02T15:04:05.000Z07:00", true},
		{"02.01.2006 15:04", false},
	}
	for _, network := range networks {
		for _, tt := range tests {
			t.Run(network+"/"+tt.layout, func(t *testing.T) {
				// The comment is written an hour ago, so a time read is told
				// apart from the fallback (now).
				written := time.Now().Add(-time.Hour).Truncate(time.Second)
				s := metatest.New(metatest.Options{Now: func() time.Time { return written }})
				hs := httptest.NewServer(s)
				t.Cleanup(hs.Close)
				f := &fake{Server: s, url: hs.URL + "/"}
				f.SetTimeLayout(tt.layout)
				c := newConn(t, f, network, "page", opts{poll: 1})
				connect(t, c)
				post := addPost(f, network, "Пост")
				f.AddComment(post, "", "501", "Иван", "когда починят дорогу?")
				start := time.Now()
				ups, _, err := c.Fetch(context.Background(), nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(ups) != 1 {
					t.Fatalf("%d comments delivered, want 1", len(ups))
				}
				got := ups[0].Comment.Created
				if tt.exact && !got.Equal(written) {
					t.Fatalf("created %s, want %s as written", got, written)
				}
				if !tt.exact && got.Before(start.Add(-time.Second)) {
					t.Fatalf("created %s, want now", got)
				}
			})
		}
	}
}
