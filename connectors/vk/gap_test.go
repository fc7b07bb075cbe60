package vk

import (
	"context"
	"strconv"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
)

// TestConnector_Fetch_GapKeptUntilRead: the long poll loses history while
// the user token is broken, so the catch-up that would read the gap fails;
// later comments move the post's position past the gap. Once the token
// works again (with or without a restart in between), the obscene comments
// of the gap are read, decided and deleted.
func TestConnector_Fetch_GapKeptUntilRead(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run("restart="+strconv.FormatBool(restart), func(t *testing.T) {
			f := newFake(t, vktest.Options{})
			dir := t.TempDir()
			c := newConn(t, f, nil)
			r := startPipeline(t, dir, c, nil)
			eventually(t, "the long poll", func() bool { return len(f.Calls("a_check")) > 0 })
			post := f.AddPost("Новости района")
			f.AddComment(post, 501, "первый, обычный")
			eventually(t, "the first comment decided", func() bool { return r.decided(t, "первый, обычный") })

			f.RevokeToken(vktest.TokenUser, true)
			var gapIDs []int
			servers := len(f.Calls("groups.getLongPollServer"))
			f.LoseEvents(func() {
				for i := range 3 {
					gapIDs = append(gapIDs, f.AddComment(post, 502, "в пропуске "+obsceneMark+" "+strconv.Itoa(i)))
				}
			})
			// Later comments come through the long poll (once the connector
			// took its new ts) and move the post's position past the gap.
			eventually(t, "a new long-poll ts", func() bool { return len(f.Calls("groups.getLongPollServer")) > servers })
			f.AddComment(post, 501, "после пропуска, обычный")
			later := f.AddComment(post, 501, "после пропуска "+obsceneMark)
			eventually(t, "the later comments decided", func() bool { return r.decided(t, "после пропуска "+obsceneMark) })
			if restart {
				r.stop()
				_ = c.Close(context.Background())
				c = newConn(t, f, nil)
				r = startPipeline(t, dir, c, nil)
				eventually(t, "the long poll after the restart", func() bool {
					return len(f.Calls("a_check")) > 0 && r.decided(t, "после пропуска, обычный")
				})
				f.AddComment(post, 501, "после перезапуска")
				eventually(t, "a comment after the restart decided", func() bool { return r.decided(t, "после перезапуска") })
			}
			for _, id := range gapIDs {
				if f.Deleted(vktest.KindWall, id) {
					t.Fatalf("comment %d deleted with the user token broken", id)
				}
			}

			f.RevokeToken(vktest.TokenUser, false)
			eventually(t, "the gap's obscene comments deleted", func() bool {
				for _, id := range append(gapIDs, later) {
					if !f.Deleted(vktest.KindWall, id) {
						return false
					}
				}
				return true
			})
			for i := range gapIDs {
				if txt := "в пропуске " + obsceneMark + " " + strconv.Itoa(i); !r.decided(t, txt) {
					t.Errorf("%q not decided", txt)
				}
			}
		})
	}
}

func TestCursor_Gap(t *testing.T) {
	cur := cursor{V: cursorVersion, Ts: "9", Posts: map[int]int{1: 10}, Topics: map[int]int{2: 20}, Caught: 100}
	cur.openGap()
	see(&cur.Posts, 1, 15) // later comments move the position...
	see(&cur.Posts, 3, 5)
	cur.Caught = 200
	cur.openGap() // ...and a second loss keeps the older positions
	back, err := decodeCursor(cur.encode())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, got, want string }{
		{"post 1", strconv.Itoa(back.postStart(1)), "10"},
		{"post 3, new since the gap", strconv.Itoa(back.postStart(3)), "0"},
		{"topic 2", strconv.Itoa(back.topicStart(2)), "20"},
		{"caught", strconv.FormatInt(back.caughtAt(), 10), "100"},
		{"position", strconv.Itoa(back.Posts[1]), "15"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}
