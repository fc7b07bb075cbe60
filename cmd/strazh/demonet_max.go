package main

import (
	"context"
	"net/http/httptest"
	"sync/atomic"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// The MAX fake for `strazh demo -network max`: the real MAX connector runs
// against connectors/max/maxtest (a channel, its posts and comments).
func init() { demoNets["max"] = newMAXDemo }

type maxDemo struct {
	fake *maxtest.Server
	srv  *httptest.Server
	post string // the channel post citizens comment under
	n    atomic.Int64
}

func newMAXDemo() (demoNet, error) {
	f := maxtest.New(maxtest.Options{})
	d := &maxDemo{fake: f, srv: httptest.NewServer(f)}
	d.post = f.AddPost("План ремонта дорог на лето: обсуждаем")
	return d, nil
}

func (d *maxDemo) Account() map[string]any {
	return map[string]any{
		"channel_id":    maxtest.ChannelID,
		"api_url":       d.srv.URL + "/",
		"token_env":     "STRAZH_DEMO_MAX_TOKEN",
		"poll_interval": "5s",
	}
}

func (d *maxDemo) Env() map[string]string {
	return map[string]string{"STRAZH_DEMO_MAX_TOKEN": maxtest.Token}
}

// Post writes every kind as a comment under the post: a MAX channel has
// nothing else to moderate.
func (d *maxDemo) Post(_ context.Context, _ string, author int, name, text string) (int, error) {
	d.fake.AddComment(d.post, int64(author), name, text)
	return int(d.n.Add(1)), nil
}

// Summary: MAX cannot ban, so banned is always 0 (strazh's own blacklist
// deletes the author's next comments instead).
func (d *maxDemo) Summary() (deleted, banned int) { return d.fake.DeletedCount(), 0 }

func (d *maxDemo) Close() { d.srv.Close() }
