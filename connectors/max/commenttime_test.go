package max

import (
	"fmt"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// TestConnector_Pipeline_CommentTimeForms: a comment whose timestamp is
// missing, or in seconds (§6.5 leaves the comments' fields unverified), is
// still moderated. Read as milliseconds it was dated January 1970, older
// than the store's retention, and the pipeline left it undecided (logged
// at Info only): under such a post nothing was ever deleted.
func TestConnector_Pipeline_CommentTimeForms(t *testing.T) {
	tests := []struct {
		name string
		ts   func(time.Time) string // the timestamp field, "" none
	}{
		{"missing", func(time.Time) string { return "" }},
		{"seconds", func(t time.Time) string { return fmt.Sprintf(`,"timestamp":%d`, t.Unix()+1) }},
		{"milliseconds", func(t time.Time) string { return fmt.Sprintf(`,"timestamp":%d`, t.UnixMilli()+1000) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			post := f.AddPost("Пост")
			text := "плохое слово " + obsceneMark
			c := connected(t, f, "max-a")
			r := startPipeline(t, t.TempDir(), c)
			path := "/messages/" + post + "/comments"
			eventually(t, "the post read once", func() bool { return len(f.Calls(path)) > 0 })
			body := fmt.Sprintf(`{"messages":[{"sender":{"user_id":501,"name":"Иван"},"recipient":{"chat_id":%d,"chat_type":"channel","post_id":%q}%s,"body":{"mid":"mid.c1","seq":1,"text":%q}}]}`,
				maxtest.ChannelID, post, tt.ts(time.Now()), text)
			f.Answer(path, 1<<20, body) // a comment made after the start
			eventually(t, "the comment decided", func() bool { return r.decisions(t)[text] == 1 })
		})
	}
}
