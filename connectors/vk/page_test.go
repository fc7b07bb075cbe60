package vk

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func TestConnector_PageInfo(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	cases := []struct {
		name string
		page vktest.PageOptions
		want moderation.PageInfo
	}{
		{"state mark and short name", vktest.PageOptions{ScreenName: "adm_gorod", Members: 12345, StateMark: true},
			moderation.PageInfo{Name: "Администрация", URL: "https://vk.com/adm_gorod", Verified: new(true), Followers: 12345, LastPost: now.Add(-time.Hour)}},
		// VK's general check is not the state's mark.
		{"general check only", vktest.PageOptions{Verified: true, Members: 7},
			moderation.PageInfo{Name: "Администрация", URL: "https://vk.com/club1", Verified: new(false), Followers: 7, LastPost: now.Add(-time.Hour)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, vktest.Options{Page: tc.page})
			f.AddPostAt("старый", now.Add(-48*time.Hour))
			f.Pin(f.AddPostAt("закреплённый старый", now.Add(-30*24*time.Hour)))
			f.AddPostAt("свежий", now.Add(-time.Hour))
			f.AddPostBy(501, "предложенный жителем", now) // not the page's own
			c := newConn(t, f, nil)
			got, err := c.PageInfo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !got.LastPost.Equal(tc.want.LastPost) {
				t.Errorf("LastPost = %v, want %v", got.LastPost, tc.want.LastPost)
			}
			// VK has the mark, so it is always known: true or false, never nil.
			if got.Verified == nil || *got.Verified != *tc.want.Verified {
				t.Errorf("Verified = %v, want %v", got.Verified, *tc.want.Verified)
			}
			got.LastPost, tc.want.LastPost = time.Time{}, time.Time{}
			got.Verified, tc.want.Verified = nil, nil
			if got != tc.want {
				t.Errorf("PageInfo = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Without a user or service token the wall cannot be read: the page is
// described, the last post left out.
func TestConnector_PageInfo_CommunityTokenOnly(t *testing.T) {
	f := newFake(t, vktest.Options{})
	f.AddPost("пост")
	cfg := testConfig(f)
	c := newConnector(cfg, connectors.Deps{Account: "a", HTTPClient: f.Client()},
		[nTokens]string{community: f.CommunityToken()})
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	got, err := c.PageInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Администрация" || !got.LastPost.IsZero() {
		t.Errorf("PageInfo = %+v, want the name and no last post", got)
	}
	if _, err := c.Posts(context.Background(), time.Now().Add(-time.Hour)); !errors.Is(err, moderation.ErrUnsupported) {
		t.Errorf("Posts err = %v, want ErrUnsupported", err)
	}
}

func TestConnector_Posts(t *testing.T) {
	f := newFake(t, vktest.Options{})
	now := time.Now().Truncate(time.Second)
	since := now.Add(-7 * 24 * time.Hour)
	var want []string
	// 230 own posts in the window, two an hour: three wall.get pages.
	for i := range 230 {
		id := f.AddPostAt("пост", now.Add(-time.Duration(i)*30*time.Minute))
		want = append(want, strconv.Itoa(id))
	}
	f.Pin(f.AddPostAt("закреплённый", since.Add(-time.Hour))) // old, first in wall.get
	f.AddPostAt("до окна", since.Add(-time.Minute))
	f.AddPostBy(501, "пост жителя", now)
	f.AddRepostAt("репост", now)
	c := newConn(t, f, nil)
	got, err := c.Posts(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Posts = %d posts, want %d", len(got), len(want))
	}
	for i, p := range got {
		if p.ID != want[i] || p.Account != "admin-vk" || p.Network != "vk" || p.URL != "https://vk.com/wall-1_"+want[i] {
			t.Fatalf("post %d = %+v, want id %s", i, p, want[i])
		}
	}
	for _, call := range f.Calls("wall.get") {
		if call.Params.Get("filter") != "owner" || call.Params.Get("owner_id") != "-1" {
			t.Errorf("wall.get %v, want owner_id=-1 filter=owner", call.Params)
		}
	}
	// Paging stops at the first post older than since.
	if n := len(f.Calls("wall.get")); n != 3 {
		t.Errorf("wall.get called %d times, want 3", n)
	}
}
