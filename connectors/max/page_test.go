package max

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
)

func TestConnector_PageInfoAndPosts(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	f.SetChannel(maxtest.Channel{Title: "Администрация города", Link: "https://max.ru/adm_gorod", Members: 4200})
	now := time.Now().Truncate(time.Millisecond)
	f.AddPostAt("старая", now.Add(-9*24*time.Hour))
	mid := f.AddPostAt("на неделе", now.Add(-3*24*time.Hour))
	newest := f.AddPostAt("сегодня", now.Add(-time.Hour))
	c := newConn(t, f, "adm-max", nil)

	info, err := c.PageInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := moderation.PageInfo{Name: "Администрация города", URL: "https://max.ru/adm_gorod", Followers: 4200, LastPost: now.Add(-time.Hour)}
	if info != want {
		t.Errorf("PageInfo = %+v, want %+v", info, want)
	}
	posts, err := c.Posts(context.Background(), now.Add(-7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 2 || posts[0].ID != newest || posts[1].ID != mid || posts[0].Account != "adm-max" || posts[0].URL == "" {
		t.Errorf("Posts = %+v, want %s then %s", posts, newest, mid)
	}
}

func TestConnector_PageInfo_ChannelMissing(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := newConn(t, f, "adm-max", func(cfg *Config) { cfg.ChannelID = -1 })
	if _, err := c.PageInfo(context.Background()); err == nil || errors.Is(err, errClosed) {
		t.Errorf("err = %v, want the API's not found", err)
	}
}
