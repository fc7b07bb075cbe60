package meta

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log sink the connector's goroutines write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestConnector_Fetch_SkipLogMatchesRunbook: the line logged for a post
// passed over holds what alert StrazhPostsSkipped's runbook greps for
// ('refused or unreadable', deploy/prometheus/alerts.yml). Before, Meta
// logged "unreadable or refused": the runbook found nothing for a
// Facebook or Instagram account.
func TestConnector_Fetch_SkipLogMatchesRunbook(t *testing.T) {
	for _, network := range networks {
		t.Run(network, func(t *testing.T) {
			f := newFake(t)
			addPost(f, network, "Ремонт дорог")
			newer := addPost(f, network, "Пост, комментарии которого не читаются")
			f.Answer(newer+"/comments", 1<<20, `{"data":[{"id":7,"message":["не строка"],"from":"501"}]}`)
			c := newConn(t, f, network, "page", opts{})
			var logs lockedBuffer
			c.log = slog.New(slog.NewTextHandler(&logs, nil))
			connect(t, c)
			startPipeline(t, t.TempDir(), c)
			eventually(t, "a post passed over", func() bool { return c.PostsSkipped() > 0 })
			if !strings.Contains(logs.String(), "refused or unreadable") {
				t.Fatalf("the skip is not logged as the runbook greps it:\n%s", logs.String())
			}
		})
	}
}
