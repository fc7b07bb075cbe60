package vk

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// An account on the community token alone (VK ID granted no user token
// with the rights): everything the long poll brings is read, board posts
// and messages are deleted, wall comments are not (the action is skipped,
// not retried for ever), bans neither, and the catch-up reads what the
// community token may without leaving a gap open.
func TestConnector_CommunityTokenAlone(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, vktest.Options{})
	c := newConnector(testConfig(f), connectors.Deps{Account: "admin-vk", HTTPClient: f.Client(), Logger: testLogger(t)},
		[nTokens]string{community: f.CommunityToken()})
	t.Cleanup(func() { _ = c.Close(ctx) })
	connect(t, c)
	d := newDriver(t, c, nil)
	wall := f.AddComment(f.AddPost("p"), 501, "на стене")
	topic := f.AddTopic("t")
	board := f.AddBoardPost(topic, 501, "в обсуждении")
	f.SendMessage(501, "личное")
	d.Until("all three", func() bool { return len(d.All) == 3 })

	err := c.Delete(ctx, fmt.Sprintf("wall:-1:%d", wall))
	if !errors.Is(err, moderation.ErrUnsupported) || f.Deleted(vktest.KindWall, wall) {
		t.Fatalf("wall delete without a user token: %v", err)
	}
	if err := c.Ban(ctx, "501", moderation.BanRequest{}); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("ban without a user token: %v", err)
	}
	if err := c.Delete(ctx, fmt.Sprintf("board:%d:%d", topic, board)); err != nil || !f.Deleted(vktest.KindBoard, board) {
		t.Fatalf("board delete on the community token: %v", err)
	}
	if err := c.Delete(ctx, d.Find("личное")[0].Comment.Ref); err != nil {
		t.Fatalf("message delete on the community token: %v", err)
	}
	f.LoseEvents(func() { f.SendMessage(502, "пока не слушали") })
	d.Until("the dialogs' catch-up (community token)", d.Has("пока не слушали"))
	if cur, _ := decodeCursor(d.Cur); cur.Gap != nil {
		t.Errorf("a gap is left open: %+v", cur.Gap)
	}
}
