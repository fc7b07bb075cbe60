package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/telegramtest"
	"github.com/strazh/strazh/registry"
)

// TestConnector_PageInfo: the channel's title, link and subscribers from
// getChat and getChatMemberCount; the last post where posts are recorded;
// never a state mark (the Bot API has none).
func TestConnector_PageInfo(t *testing.T) {
	f := newFake(t)
	f.SetChannelInfo(groupID, telegramtest.ChannelInfo{Description: "Новости района", Members: 1234})
	t.Run("without recorded posts", func(t *testing.T) {
		c := newConn(t, f, "tg", nil)
		info, err := c.PageInfo(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := moderation.PageInfo{Name: "Администрация района", URL: "https://t.me/adm_rayon", Followers: 1234}
		if info != want {
			t.Errorf("PageInfo = %+v, want %+v", info, want)
		}
	})
	t.Run("with recorded posts", func(t *testing.T) {
		c := newConn(t, f, "tg", nil)
		last := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
		c.RecordPosts(&memPosts{ps: []moderation.Post{
			{Account: "tg", ID: "1", At: last.Add(-24 * time.Hour)}, {Account: "tg", ID: "2", At: last},
			{Account: "other", ID: "3", At: last.Add(time.Hour)},
		}})
		info, err := c.PageInfo(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !info.LastPost.Equal(last) || info.Verified != nil { // no documented mark: unknown
			t.Errorf("PageInfo = %+v, want the last post at %v and no mark", info, last)
		}
	})
	t.Run("recorded posts unreadable", func(t *testing.T) {
		c := newConn(t, f, "tg", nil)
		c.RecordPosts(&memPosts{err: errors.New("admin socket: 404 page not found")})
		info, err := c.PageInfo(context.Background())
		if err != nil || info.Name != "Администрация района" || info.Followers != 1234 || !info.LastPost.IsZero() {
			t.Errorf("PageInfo = %+v, %v: want the channel's data without the last post", info, err)
		}
	})
}

// TestConnector_PageInfo_Fails: getChat or getChatMemberCount failing is
// an error naming the call (a private channel the bot is not in answers
// 400 "chat not found").
func TestConnector_PageInfo_Fails(t *testing.T) {
	for _, method := range []string{"getChat", "getChatMemberCount"} {
		t.Run(method, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", nil)
			f.FailNext(method, 1, 400, "Bad Request: chat not found", 0)
			_, err := c.PageInfo(context.Background())
			if err == nil || !strings.Contains(err.Error(), "telegram: page info: ") || !strings.Contains(err.Error(), method) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(err.Error(), f.Token()) {
				t.Fatal("the error holds the token")
			}
		})
	}
}

// TestConnector_Posts_NoStore: without a store there is no history to
// list, and the cadence is told so (ErrUnsupported) rather than "none".
func TestConnector_Posts_NoStore(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	if _, err := c.Posts(context.Background(), time.Now().Add(-time.Hour)); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("Posts without a store: %v, want ErrUnsupported", err)
	}
}

// TestRegistry_Telegram: the registry row of a Telegram account has the
// channel's title, link and subscribers from the network; when getChat
// fails it is the configuration's row, with the gap said.
func TestRegistry_Telegram(t *testing.T) {
	f := newFake(t)
	f.SetChannelInfo(groupID, telegramtest.ChannelInfo{Members: 5120})
	c := newConn(t, f, "rayon-telegram", nil)
	src := func() []registry.Source {
		return []registry.Source{{Account: "rayon-telegram", Network: Network, Purpose: "Новости района", Reader: c}}
	}
	reg := registry.Build(context.Background(), src(), time.Now(), 5*time.Second)
	e := reg.Accounts[0]
	if e.Name != "Администрация района" || e.URL != "https://t.me/adm_rayon" || e.Followers != 5120 ||
		!e.NetworkData || e.Purpose != "Новости района" || len(reg.Problems) != 0 {
		t.Errorf("row %+v, problems %v", e, reg.Problems)
	}
	if e.LastPost != nil || e.Missing == "" {
		t.Errorf("without recorded posts the last post is not known and said so: %+v", e)
	}

	f.FailNext("getChat", 1, 400, "Bad Request: chat not found", 0)
	reg = registry.Build(context.Background(), src(), time.Now(), 5*time.Second)
	e = reg.Accounts[0]
	if e.Name != "rayon-telegram" || e.URL != "" || e.NetworkData || e.Verified != nil || e.Missing != "сеть не ответила" ||
		reg.Complete || len(reg.Problems) != 1 || !strings.Contains(reg.Problems[0].Error(), "getChat") {
		t.Errorf("after a getChat failure: row %+v, complete %v, problems %v", e, reg.Complete, reg.Problems)
	}
}
