package main

import (
	"context"
	"strings"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// The Telegram fake for `strazh demo -network telegram`: the real Telegram
// connector reads a channel's discussion group on a second fake Bot API
// (the connector's own bot, apart from the review bot's fake).
func init() { demoNets["telegram"] = newTelegramDemo }

const (
	demoTGGroup   = int64(-1001000000001)
	demoTGChannel = int64(-1001000000002)
	demoTGToken   = "777000:DEMO-connector-token"
)

type telegramDemo struct {
	srv  *telegramtest.Server
	post int64 // the channel post's forward: the comment thread
}

func newTelegramDemo() (demoNet, error) {
	srv := telegramtest.New(demoTGToken)
	srv.AddGroup(demoTGGroup, telegramtest.Chat{ID: demoTGChannel, Title: "Администрация города", Username: "adm_goroda"}, 90_000_000)
	// The bot is the channel's admin too: the channel's posts reach it both
	// as channel_post and as their forwards, and are counted once.
	srv.SetChannelAdmin(demoTGGroup, true)
	srv.SetChannelInfo(demoTGGroup, telegramtest.ChannelInfo{Members: 12_400})
	srv.Post(demoTGGroup, "График вывоза снега с улиц на неделю")
	return &telegramDemo{srv: srv, post: srv.Post(demoTGGroup, "План ремонта дорог на лето: обсуждаем")}, nil
}

func (d *telegramDemo) Account() map[string]any {
	return map[string]any{
		"chat_id":      demoTGGroup,
		"channel_id":   demoTGChannel,
		"api_url":      d.srv.URL(),
		"token_env":    "STRAZH_DEMO_TG_CONNECTOR_TOKEN",
		"poll_timeout": "5s",
	}
}

func (d *telegramDemo) Env() map[string]string {
	return map[string]string{"STRAZH_DEMO_TG_CONNECTOR_TOKEN": d.srv.Token()}
}

// Post comments under the channel post whatever the kind: a discussion
// group has no photos, boards or private messages of its own.
func (d *telegramDemo) Post(_ context.Context, _ string, author int, name, text string) (int, error) {
	first, last, _ := strings.Cut(name, " ")
	u := telegramtest.User{ID: int64(author), FirstName: first, LastName: last}
	return int(d.srv.Comment(demoTGGroup, u, d.post, text)), nil
}

func (d *telegramDemo) Summary() (deleted, banned int) {
	for _, m := range d.srv.Messages(demoTGGroup) {
		if m.Deleted {
			deleted++
		}
	}
	return deleted, len(d.srv.Bans(demoTGGroup))
}

func (d *telegramDemo) Close() { d.srv.Close() }
