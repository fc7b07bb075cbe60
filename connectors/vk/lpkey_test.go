package vk

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
)

// lockedBuffer is a log sink safe for the connector's goroutines.
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

// TestConnector_Fetch_LongPollKeyNotShown: a long poll cut off on the way
// (a dropped connection, a timeout) is an error that names the server but
// not the key. Before, the error was net/http's, quoting the whole a_check
// URL with key=…, and the pipeline logged it as a connector error: the key
// lets anyone read the community's events, private messages to it among
// them, until it expires.
func TestConnector_Fetch_LongPollKeyNotShown(t *testing.T) {
	f := newFake(t, vktest.Options{})
	var logs lockedBuffer
	cfg := testConfig(f)
	c := newConnector(cfg, connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		[nTokens]string{community: f.CommunityToken(), user: f.UserToken()})
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	connect(t, c)
	f.Drop("a_check", 100)
	_, _, err := c.Fetch(context.Background(), nil)
	if err == nil {
		t.Fatal("no error from a dropped long poll")
	}
	if strings.Contains(err.Error(), "key=") {
		t.Errorf("the long-poll key is in the error: %v", err)
	}
	if strings.Contains(logs.String(), "key=") {
		t.Errorf("the long-poll key is in the log:\n%s", logs.String())
	}
}
