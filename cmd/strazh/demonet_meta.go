package main

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strconv"
	"sync/atomic"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// The Graph fake for `strazh demo -network facebook|instagram`: the real
// connector polls connectors/meta/metatest, and the fake, playing Meta,
// also pushes each new comment to the connector's webhook listener
// (signed with the app secret), so actions follow in well under a second;
// the poll is the safety net. Facebook runs in hide mode (the gentle
// action), Instagram in delete mode.
func init() {
	demoNets["facebook"] = func() (demoNet, error) { return newMetaDemo("facebook") }
	demoNets["instagram"] = func() (demoNet, error) { return newMetaDemo("instagram") }
}

type metaDemo struct {
	network string
	fake    *metatest.Server
	srv     *httptest.Server
	post    string
	listen  string // the connector's webhook listener
	n       atomic.Int64
}

func newMetaDemo(network string) (*metaDemo, error) {
	f := metatest.New(metatest.Options{})
	d := &metaDemo{network: network, fake: f, srv: httptest.NewServer(f)}
	// A free port for the connector's listener, taken and given back
	// (the daemon binds it moments later).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.srv.Close()
		return nil, fmt.Errorf("a port for the webhook listener: %w", err)
	}
	d.listen = ln.Addr().String()
	_ = ln.Close()
	f.SetWebhook("http://" + d.listen + "/meta/webhook")
	if network == "instagram" {
		d.post = f.AddMedia("План ремонта дорог на лето: обсуждаем")
	} else {
		d.post = f.AddPost("План ремонта дорог на лето: обсуждаем")
	}
	return d, nil
}

func (d *metaDemo) Account() map[string]any {
	acc := map[string]any{
		"graph_url":     d.srv.URL + "/",
		"token_env":     "STRAZH_DEMO_META_TOKEN",
		"poll_interval": "10s",
		"webhook": map[string]any{
			"listen":           d.listen,
			"app_secret_env":   "STRAZH_DEMO_META_APP_SECRET",
			"verify_token_env": "STRAZH_DEMO_META_VERIFY_TOKEN",
		},
	}
	if d.network == "instagram" {
		acc["ig_user_id"] = metatest.IGUserID
		acc["action_mode"] = "delete"
	} else {
		acc["page_id"] = metatest.PageID
		acc["action_mode"] = "hide"
	}
	return acc
}

func (d *metaDemo) Env() map[string]string {
	return map[string]string{"STRAZH_DEMO_META_TOKEN": metatest.Token,
		"STRAZH_DEMO_META_APP_SECRET": metatest.AppSecret, "STRAZH_DEMO_META_VERIFY_TOKEN": metatest.VerifyToken}
}

// Post writes every kind as a comment under the one post, then pushes it
// to the webhook (a failed push is left to the poll).
func (d *metaDemo) Post(ctx context.Context, _ string, author int, name, text string) (int, error) {
	id := d.fake.AddComment(d.post, "", strconv.Itoa(author), name, text)
	_, _ = d.fake.Push(ctx, id, "add")
	return int(d.n.Add(1)), nil
}

// Summary counts hidden comments as removed (Facebook's hide mode);
// Instagram cannot ban, so its banned is always 0.
func (d *metaDemo) Summary() (deleted, banned int) {
	del, hid, blocked := d.fake.Counts()
	return del + hid, blocked
}

func (d *metaDemo) Close() { d.srv.Close() }
