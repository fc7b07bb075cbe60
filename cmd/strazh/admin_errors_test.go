package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/strazh/strazh/moderation"
)

// The daemon's error reaches the shell once, still matching its class: the
// client added the class's words to a text that ended with them ("strazh
// review: decision 1: already decided: already decided").
func TestSocketBackend_Send_ErrorSaidOnce(t *testing.T) {
	dir, err := os.MkdirTemp("", "sock") // short: a socket path has at most 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		reply(w, nil, fmt.Errorf("store: get decision 7: %w", moderation.ErrNotFound))
	})
	mux.HandleFunc("/decided", func(w http.ResponseWriter, r *http.Request) {
		reply(w, nil, fmt.Errorf("decision 1: %w", moderation.ErrAlreadyDecided))
	})
	mux.HandleFunc("/bare", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound) // an answer without the daemon's text
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	b := newSocketBackend(path)
	for _, tc := range []struct {
		path, want string
		class      error
	}{
		{"/missing", "store: get decision 7: not found", moderation.ErrNotFound},
		{"/decided", "decision 1: already decided", moderation.ErrAlreadyDecided},
		{"/bare", "not found", moderation.ErrNotFound},
	} {
		err := b.call(context.Background(), http.MethodGet, tc.path, nil, nil)
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.class) {
			t.Errorf("%s: error %q, want %q matching %v", tc.path, err, tc.want, tc.class)
		}
	}
}
