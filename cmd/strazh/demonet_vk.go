package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/strazh/strazh/connectors/vk/vktest"
)

// The VK fake for `strazh demo -network vk`: the real VK connector runs
// against connectors/vk/vktest (long poll, API, tokens and all).
func init() { demoNets["vk"] = newVKDemo }

// demoVKAdminID is the VK demo's community admin, far from the script's
// citizen ids.
const demoVKAdminID = 90_000_000

type vkDemo struct {
	srv   *vktest.Server
	post  int // the wall post citizens comment under
	topic int // the board topic they write in
}

func newVKDemo() (demoNet, error) {
	// The fake's admins (AdminID and HandAdminID, AdminID+1) must not be
	// citizens of the script, whose ids start at 101: a ban or delete "by
	// the admin" would read as the citizen's own.
	srv := vktest.New(vktest.Options{GroupName: "Администрация города", AdminID: demoVKAdminID})
	return &vkDemo{
		srv:   srv,
		post:  srv.AddPost("План ремонта дорог на лето: обсуждаем"),
		topic: srv.AddTopic("Вопросы к администрации"),
	}, nil
}

func (d *vkDemo) Account() map[string]any {
	return map[string]any{
		"group_id":            d.srv.GroupID(),
		"api_url":             d.srv.MethodURL(),
		"community_token_env": "STRAZH_DEMO_VK_COMMUNITY_TOKEN",
		"user_token_env":      "STRAZH_DEMO_VK_USER_TOKEN",
		"long_poll_wait":      "5s",
	}
}

func (d *vkDemo) Env() map[string]string {
	return map[string]string{
		"STRAZH_DEMO_VK_COMMUNITY_TOKEN": d.srv.CommunityToken(),
		"STRAZH_DEMO_VK_USER_TOKEN":      d.srv.UserToken(),
	}
}

func (d *vkDemo) Post(_ context.Context, kind string, author int, name, text string) (int, error) {
	first, last, _ := strings.Cut(name, " ")
	d.srv.AddUser(author, first, last)
	switch kind {
	case "", "wall":
		return d.srv.AddComment(d.post, author, text), nil
	case "photo", "video", "market":
		return d.srv.AddMediaComment(vktest.Kind(kind), author, text), nil
	case "board":
		return d.srv.AddBoardPost(d.topic, author, text), nil
	case "message":
		return d.srv.SendMessage(author, text), nil
	}
	return 0, fmt.Errorf("vk demo: unknown kind %q", kind)
}

func (d *vkDemo) Summary() (deleted, banned int) {
	return d.srv.DeletedCount(), len(d.srv.Bans())
}

func (d *vkDemo) Close() { d.srv.Close() }
