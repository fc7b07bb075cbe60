package vk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

// Before: photo, video and market comments and messages made while the
// long poll's history was lost were never read. Each now comes from its
// catch-up with the ID its live event gives.
func TestConnector_CatchUp_MediaAndDialogs(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	photo, video, item := f.AddMedia(vktest.KindPhoto), f.AddMedia(vktest.KindVideo), f.AddMedia(vktest.KindMarket)
	// Live first: the IDs the long poll gives.
	live := map[vktest.Kind]int{
		vktest.KindPhoto:  f.AddMediaCommentOn(vktest.KindPhoto, photo, 501, "живой под фото"),
		vktest.KindVideo:  f.AddMediaCommentOn(vktest.KindVideo, video, 501, "живой под видео"),
		vktest.KindMarket: f.AddMediaCommentOn(vktest.KindMarket, item, 501, "живой под товаром"),
	}
	f.SendMessage(501, "живое сообщение")
	d.Until("live", func() bool { return len(d.All) == 4 })
	liveID := map[vktest.Kind]string{}
	for k, id := range live {
		for _, u := range d.All {
			if strings.HasSuffix(u.Comment.Ref, ":"+strconv.Itoa(id)) && strings.HasPrefix(u.Comment.Ref, string(k)) {
				liveID[k] = u.Comment.ID
			}
		}
	}
	var missed map[vktest.Kind]int
	d.caughtUp(f, func() {
		missed = map[vktest.Kind]int{
			vktest.KindPhoto:  f.AddMediaCommentOn(vktest.KindPhoto, photo, 502, "пропущен под фото"),
			vktest.KindVideo:  f.AddMediaCommentOn(vktest.KindVideo, video, 502, "пропущен под видео"),
			vktest.KindMarket: f.AddMediaCommentOn(vktest.KindMarket, item, 502, "пропущен под товаром"),
		}
		f.SendMessage(501, "пропущенное сообщение")
		f.SendMessage(502, "новый собеседник")
	})
	tests := []struct {
		text string
		kind moderation.Kind
		ref  string
	}{
		{"пропущен под фото", moderation.KindPhotoComment, fmt.Sprintf("photo:-1:%d", missed[vktest.KindPhoto])},
		{"пропущен под видео", moderation.KindVideoComment, fmt.Sprintf("video:-1:%d", missed[vktest.KindVideo])},
		{"пропущен под товаром", moderation.KindMarketComment, fmt.Sprintf("market:-1:%d", missed[vktest.KindMarket])},
		{"пропущенное сообщение", moderation.KindMessage, ""},
		{"новый собеседник", moderation.KindMessage, ""},
	}
	for _, tt := range tests {
		got := d.Find(tt.text)
		if len(got) == 0 {
			t.Errorf("%s: missed", tt.text)
			continue
		}
		cm := got[0].Comment
		if cm.Kind != tt.kind || (tt.ref != "" && cm.Ref != tt.ref) {
			t.Errorf("%s: kind %s ref %s, want %s %s", tt.text, cm.Kind, cm.Ref, tt.kind, tt.ref)
		}
	}
	// The same object gives the same post ID live and in the catch-up.
	for _, k := range []vktest.Kind{vktest.KindPhoto, vktest.KindVideo, vktest.KindMarket} {
		var livePost, caughtPost string
		for _, u := range d.All {
			if u.Comment.ID == liveID[k] {
				livePost = u.Comment.PostID
			}
			if u.Comment.Ref == fmt.Sprintf("%s:-1:%d", k, missed[k]) {
				caughtPost = u.Comment.PostID
			}
		}
		if livePost == "" || livePost != caughtPost {
			t.Errorf("%s: post %q live, %q caught up", k, livePost, caughtPost)
		}
	}
	if d.Dups != 0 {
		t.Errorf("%d duplicates", d.Dups)
	}
}

// TestConnector_CatchUp_Cost counts the API calls of one catch-up for a
// page of 100 posts, 300 photos and 50 videos (the reference page;
// with 20 market items and 30 dialogs), after a stop in which every
// surface got new comments. The numbers are in README.md.
func TestConnector_CatchUp_Cost(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	var posts, photos, videos, items []int
	for range 100 {
		posts = append(posts, f.AddPost("пост"))
	}
	for range 300 {
		photos = append(photos, f.AddMedia(vktest.KindPhoto))
	}
	for range 50 {
		videos = append(videos, f.AddMedia(vktest.KindVideo))
	}
	for range 20 {
		items = append(items, f.AddMedia(vktest.KindMarket))
	}
	// Before the stop: 3 comments under every post (one with 2 replies),
	// comments under a third of the photos and half the videos, messages
	// in 30 dialogs.
	for _, p := range posts {
		root := f.AddComment(p, 501, "до")
		f.AddComment(p, 502, "до")
		f.AddReply(p, 503, root, "до")
		f.AddReply(p, 501, root, "до")
	}
	for i, ph := range photos {
		if i%3 == 0 {
			f.AddMediaCommentOn(vktest.KindPhoto, ph, 501, "до")
		}
	}
	for i, v := range videos {
		if i%2 == 0 {
			f.AddMediaCommentOn(vktest.KindVideo, v, 501, "до")
		}
	}
	for i := range 30 {
		f.SendMessage(600+i, "до")
	}
	want := 4*100 + 100 + 25 + 30
	d.Until("everything before the stop", func() bool { return len(d.All) == want })
	d.caughtUp(f, func() {}) // a first catch-up takes the hashes

	f.ResetCalls()
	d.caughtUp(f, func() { // the stop: a comment on every fifth of everything
		for i, p := range posts {
			if i%5 == 0 {
				f.AddComment(p, 504, "после")
			}
		}
		for i, ph := range photos {
			if i%5 == 0 {
				f.AddMediaCommentOn(vktest.KindPhoto, ph, 504, "после")
			}
		}
		for i, v := range videos {
			if i%5 == 0 {
				f.AddMediaCommentOn(vktest.KindVideo, v, 504, "после")
			}
		}
		for i, it := range items {
			if i%5 == 0 {
				f.AddMediaCommentOn(vktest.KindMarket, it, 504, "после")
			}
		}
		for i := range 30 {
			if i%5 == 0 {
				f.SendMessage(600+i, "после")
			}
		}
	})
	if n := len(d.Find("после")); n != 20+60+10+4+6 {
		t.Errorf("%d new comments and messages read, want 100", n)
	}
	perMethod := map[string]int{}
	total := 0
	for _, call := range f.Calls("") {
		switch call.Method {
		case "a_check", "groups.getLongPollServer", "users.get", "groups.getMembers":
			continue // the long poll and names, not the catch-up
		}
		perMethod[call.Method]++
		total++
	}
	var lines []string
	for m, n := range perMethod {
		lines = append(lines, fmt.Sprintf("%s=%d", m, n))
	}
	sort.Strings(lines)
	t.Logf("one catch-up, 100 posts / 300 photos / 50 videos / 20 market items / 30 dialogs: %d calls (%s)", total, strings.Join(lines, " "))
	// Bound stated in README.md: wall 1 + ⌈100/25⌉; photos 2 (60 new and,
	// here, the minute of overlap); board 1; videos 1 + ⌈30 with comments/25⌉;
	// market 1 + ⌈20/25⌉; dialogs 1 + 6 with new messages.
	if total > (1+4)+2+1+(1+2)+(1+1)+(1+6) {
		t.Errorf("%d calls, more than the stated bound", total)
	}
}
