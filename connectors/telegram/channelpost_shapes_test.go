package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_ChannelPost: which updates carry one of the channel's own
// posts, and how it is named and dated (the Bot API shapes of
// platform-apis.md §5.5 and forward_origin).
func TestConnector_ChannelPost(t *testing.T) {
	const ch, grp = `{"id":-1009876543210,"type":"channel","title":"Администрация района","username":"adm_rayon"}`,
		`{"id":-1001234567890,"type":"supergroup","title":"Обсуждение"}`
	origin := `"forward_origin":{"type":"channel","chat":` + ch + `,"message_id":41,"date":1764590000}`
	cases := []struct {
		name   string
		update string
		want   *ownPost
	}{
		{"channel_post", `{"update_id":1,"channel_post":{"message_id":41,"date":1764590000,"chat":` + ch + `,"sender_chat":` + ch + `,"text":"Новость"}}`,
			&ownPost{id: "41", at: time.Unix(1764590000, 0), url: "https://t.me/adm_rayon/41"}},
		{"edited_channel_post", `{"update_id":1,"edited_channel_post":{"message_id":41,"date":1764590000,"edit_date":1764599999,"chat":` + ch + `,"text":"Новость!"}}`,
			&ownPost{id: "41", at: time.Unix(1764590000, 0), url: "https://t.me/adm_rayon/41"}},
		{"album item", `{"update_id":1,"channel_post":{"message_id":42,"date":1764590000,"chat":` + ch + `,"media_group_id":"1357","photo":[{"file_id":"a","file_unique_id":"b","width":1,"height":1}]}}`,
			&ownPost{id: "album:1764590000", at: time.Unix(1764590000, 0), url: "https://t.me/adm_rayon/42"}},
		{"the group's forward, dated by its origin", `{"update_id":1,"message":{"message_id":7,"date":1764590001,"chat":` + grp + `,"from":{"id":777000,"is_bot":false,"first_name":"Telegram"},"sender_chat":` + ch + `,"is_automatic_forward":true,` + origin + `,"text":"Новость"}}`,
			&ownPost{id: "41", at: time.Unix(1764590000, 0), url: "https://t.me/adm_rayon/41"}},
		{"a forward without forward_origin (approximate)", `{"update_id":1,"message":{"message_id":7,"date":1764590001,"chat":` + grp + `,"sender_chat":` + ch + `,"is_automatic_forward":true,"text":"Новость"}}`,
			&ownPost{id: "group:7", at: time.Unix(1764590001, 0), url: "https://t.me/c/1234567890/7", approx: true}},
		{"a pin in the channel", `{"update_id":1,"channel_post":{"message_id":43,"date":1764590000,"chat":` + ch + `,"pinned_message":{"message_id":41,"date":1764590000,"chat":` + ch + `}}}`, nil},
		{"another channel's post", `{"update_id":1,"channel_post":{"message_id":41,"date":1764590000,"chat":{"id":-1005555,"type":"channel","title":"Чужой"},"text":"x"}}`, nil},
		{"a comment in the group", `{"update_id":1,"message":{"message_id":8,"date":1764590001,"chat":` + grp + `,"from":{"id":501,"is_bot":false,"first_name":"Иван"},"text":"комментарий"}}`, nil},
		{"another channel forwarded by hand", `{"update_id":1,"message":{"message_id":9,"date":1764590001,"chat":` + grp + `,"from":{"id":501,"is_bot":false,"first_name":"Иван"},"forward_origin":{"type":"channel","chat":{"id":-1005555,"type":"channel","title":"Чужой"},"message_id":3,"date":1764500000},"text":"x"}}`, nil},
	}
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(tc.update), &u); err != nil {
				t.Fatal(err)
			}
			got, ok := c.channelPost(&u)
			switch {
			case tc.want == nil && ok:
				t.Errorf("counted as a post: %+v", got)
			case tc.want != nil && (!ok || got.id != tc.want.id || !got.at.Equal(tc.want.at) || got.url != tc.want.url || got.approx != tc.want.approx):
				t.Errorf("got %+v (ok %v), want %+v", got, ok, *tc.want)
			}
		})
	}
}

// memPosts is a post store over a slice, with a scripted failure.
type memPosts struct {
	ps  []moderation.Post
	err error
}

func (m *memPosts) PutPosts(ps []moderation.Post) error {
	if m.err != nil {
		return m.err
	}
	m.ps = append(m.ps, ps...)
	return nil
}

func (m *memPosts) Posts(account string, since, until time.Time) ([]moderation.Post, error) {
	if m.err != nil {
		return nil, m.err
	}
	var out []moderation.Post
	for _, p := range m.ps {
		if p.Account == account && !p.At.Before(since) && (until.IsZero() || p.At.Before(until)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// TestConnector_RecordPosts_Approx: a post seen from channel_post and from
// a forward without forward_origin (named by the group's id, dated a
// second later) is one post, in the batch and against the store; a post a
// minute apart is another.
func TestConnector_RecordPosts_Approx(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	st := &memPosts{}
	c.RecordPosts(st)
	up := func(s string) *models.Update {
		var u models.Update
		if err := json.Unmarshal([]byte(s), &u); err != nil {
			t.Fatal(err)
		}
		return &u
	}
	post := func(id, date int) *models.Update {
		return up(fmt.Sprintf(`{"update_id":1,"channel_post":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"channel","title":"К"},"text":"п"}}`, id, date, channelID))
	}
	fwd := func(id, date int) *models.Update {
		return up(fmt.Sprintf(`{"update_id":2,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"supergroup"},"sender_chat":{"id":%d,"type":"channel"},"is_automatic_forward":true,"text":"п"}}`, id, date, groupID, channelID))
	}
	c.recordPosts([]*models.Update{post(41, 1764590000), fwd(7, 1764590001)})
	c.recordPosts([]*models.Update{fwd(7, 1764590001), fwd(8, 1764590060)})
	if len(st.ps) != 2 || st.ps[0].ID != "41" || st.ps[1].ID != "group:8" {
		t.Fatalf("stored %+v, want 41 and group:8", st.ps)
	}
}

// TestConnector_Fetch_PostStoreFails: a store that cannot record posts
// never holds up the comments (the cadence must not hold up moderation).
func TestConnector_Fetch_PostStoreFails(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	c.RecordPosts(&memPosts{err: errors.New("disk full")})
	connect(t, c)
	d := newDriver(t, c, nil)
	fwd := f.Post(groupID, "Новость")
	f.Comment(groupID, ivan, fwd, "комментарий")
	d.Until("the comment", d.Has("комментарий"))
}
