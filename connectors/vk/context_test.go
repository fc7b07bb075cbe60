package vk

import (
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func TestConnector_Fetch_ContextFetchedOnceAndCut(t *testing.T) {
	f := newFake(t, vktest.Options{})
	long := strings.Repeat("я", moderation.MaxContextText+100)
	post := f.AddPost(long)
	// Written before strazh started: its text is not in the cache.
	parent := f.AddComment(post, 502, "Когда починят дорогу?")
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	first := f.AddReply(post, 501, parent, "Ответ на вопрос")
	d.Until("the first reply", d.Has("Ответ на вопрос"))
	f.AddReply(post, 502, first, "Ответ на ответ")
	f.AddComment(post, 501, "Отдельный комментарий")
	d.Until("the others", func() bool {
		return d.Has("Ответ на ответ")() && d.Has("Отдельный комментарий")()
	})

	tests := []struct {
		text   string
		parent string
	}{
		{"Ответ на вопрос", "Когда починят дорогу?"},
		{"Ответ на ответ", "Ответ на вопрос"},
		{"Отдельный комментарий", ""},
	}
	for _, tt := range tests {
		x := d.Find(tt.text)[0].Comment.Context
		want := moderation.Context{Page: "Администрация", Post: long[:len("я")*moderation.MaxContextText], Parent: tt.parent}
		if x == nil || *x != want {
			t.Errorf("%q: context %+v, want %+v", tt.text, x, want)
		}
	}
	// The post once for all three; the parent written before the start
	// once; the other parent came through strazh and is cached.
	if n := len(f.Calls("wall.getById")); n != 1 {
		t.Errorf("wall.getById called %d times, want 1", n)
	}
	if n := len(f.Calls("wall.getComment")); n != 1 {
		t.Errorf("wall.getComment called %d times, want 1", n)
	}
}

func TestContexts_Put_Bounded(t *testing.T) {
	var x contexts
	for i := range maxContexts + 10 {
		x.put(&x.posts, strconv.Itoa(i), "текст")
	}
	if len(x.posts) > maxContexts {
		t.Errorf("%d posts cached, want at most %d", len(x.posts), maxContexts)
	}
}
