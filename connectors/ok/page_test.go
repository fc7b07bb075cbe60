package ok

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/ok/oktest"
)

func TestConnector_PageInfoAndPosts(t *testing.T) {
	cases := []struct {
		name    string
		group   oktest.Group
		wantURL string
	}{
		{"short address", oktest.Group{Name: "Администрация города", Shortname: "admgorod", Members: 321}, "https://ok.ru/admgorod"},
		{"by id", oktest.Group{Name: "Администрация города", Members: 321}, "https://ok.ru/group/53038939046008"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, token := newFake(t)
			f.SetGroup(tc.group)
			now := time.Now().Truncate(time.Millisecond)
			f.AddTopicAt(testGID, "", now.Add(-10*24*time.Hour))
			newest := f.AddTopicAt(testGID, "", now.Add(-2*time.Hour))
			mid := f.AddTopicAt(testGID, "", now.Add(-3*24*time.Hour))
			f.AddTopicAt(testGID, "user:5810", now.Add(-time.Hour)) // a member's topic
			c := newConn(t, f, "adm-ok", token, nil)

			info, err := c.PageInfo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if info.Name != tc.group.Name || info.URL != tc.wantURL || info.Followers != 321 || info.Verified != nil ||
				!info.LastPost.Equal(now.Add(-2*time.Hour)) {
				t.Errorf("PageInfo = %+v", info)
			}
			posts, err := c.Posts(context.Background(), now.Add(-7*24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != 2 || posts[0].ID != newest || posts[1].ID != mid || posts[0].Account != "adm-ok" || posts[0].Network != "ok" {
				t.Errorf("Posts = %+v, want %s then %s", posts, newest, mid)
			}
		})
	}
}
