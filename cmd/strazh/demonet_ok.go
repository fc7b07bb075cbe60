package main

import (
	"context"
	"strconv"
	"sync"

	"github.com/strazh/strazh/connectors/ok/oktest"
)

// The OK fake for `strazh demo -network ok`: the real OK connector polls
// connectors/ok/oktest (signed requests, tokens and all).
func init() { demoNets["ok"] = newOKDemo }

const okDemoGroup = 70000001234567

type okDemo struct {
	srv   *oktest.Server
	token string
	topic string // the topic citizens comment under

	mu sync.Mutex
	n  int
}

func newOKDemo() (demoNet, error) {
	srv := oktest.New()
	d := &okDemo{srv: srv, token: srv.AddGroup(okDemoGroup)}
	d.topic = srv.AddTopic(okDemoGroup)
	return d, nil
}

func (d *okDemo) Account() map[string]any {
	return map[string]any{
		"group_id":                   okDemoGroup,
		"api_url":                    d.srv.URL(),
		"application_key":            oktest.AppKey,
		"application_secret_key_env": "STRAZH_DEMO_OK_APP_SECRET",
		"access_token_env":           "STRAZH_DEMO_OK_TOKEN",
		"poll_interval":              "2s",
	}
}

func (d *okDemo) Env() map[string]string {
	return map[string]string{"STRAZH_DEMO_OK_APP_SECRET": oktest.AppSecret, "STRAZH_DEMO_OK_TOKEN": d.token}
}

// Post puts every kind under the one topic: an OK group has topics only.
func (d *okDemo) Post(_ context.Context, _ string, author int, name, text string) (int, error) {
	uid := strconv.Itoa(author)
	d.srv.AddUser(uid, name)
	d.srv.AddComment(d.topic, uid, text)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	return d.n, nil
}

func (d *okDemo) Summary() (deleted, banned int) { return d.srv.DeletedCount(), len(d.srv.Bans()) }

func (d *okDemo) Close() { d.srv.Close() }
