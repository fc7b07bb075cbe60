package vk

import (
	"errors"
	"reflect"
	"testing"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/moderation"
)

// FuzzLongPollAnswer: any a_check answer body is parsed as check does it
// (parseAnswer) or refused as malformed, and its events convert into updates without a panic; every
// comment update is a VK comment of this account with an ID, and the
// cursor still encodes and decodes.
func FuzzLongPollAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		ans, err := parseAnswer(body)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("a bad answer is not classed malformed: %v", err)
			}
			return
		}
		cfg := DefaultConfig()
		cfg.GroupID = 1
		c := newConnector(cfg, connectors.Deps{Account: "fuzz"}, [nTokens]string{community: "c", user: "u"})
		defer c.Close(t.Context())
		cur := cursor{V: cursorVersion, Ts: ans.Ts}
		for _, u := range c.convert(ans.Updates, "", &cur) {
			if u.Type != moderation.UpdateComment {
				continue
			}
			if cm := u.Comment; cm.ID == "" || cm.Network != Network || cm.Account != "fuzz" {
				t.Fatalf("comment update %+v", cm)
			}
		}
		if _, err := decodeCursor(cur.encode()); err != nil {
			t.Fatalf("cursor after the answer: %v", err)
		}
	})
}

// FuzzDecodeCursor: any stored cursor decodes or is refused; an accepted
// one survives encoding unchanged.
func FuzzDecodeCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		cur, err := decodeCursor(raw)
		if err != nil {
			return
		}
		again, err := decodeCursor(cur.encode())
		if err != nil || !reflect.DeepEqual(normal(cur), normal(again)) {
			t.Fatalf("%+v → %s → %+v (%v)", cur, cur.encode(), again, err)
		}
	})
}

// normal treats empty and nil maps alike (omitempty drops both).
func normal(c cursor) cursor {
	if len(c.Posts) == 0 {
		c.Posts = nil
	}
	if len(c.Topics) == 0 {
		c.Topics = nil
	}
	return c
}
