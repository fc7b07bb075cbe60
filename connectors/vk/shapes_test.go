package vk

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
	"github.com/strazh/strazh/moderation"
)

func TestDecodeGroups_BothVersions(t *testing.T) {
	tests := []struct {
		name, raw string
		want      int // groups, -1: error
	}{
		{"5.131 list", `[{"id":7,"name":"Администрация"}]`, 1},
		{"5.199 object", `{"groups":[{"id":7,"name":"Администрация"}],"profiles":[]}`, 1},
		{"5.199 empty", `{"groups":[],"profiles":[]}`, 0},
		{"object without groups", `{"profiles":[]}`, -1},
		{"not JSON", `<html>`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs, err := decodeGroups(json.RawMessage(tt.raw))
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("no error for %s", tt.raw)
				}
				return
			}
			if err != nil || len(gs) != tt.want || (tt.want > 0 && (gs[0].ID != 7 || gs[0].Name != "Администрация")) {
				t.Fatalf("got %+v, %v", gs, err)
			}
		})
	}
}

func TestDecodeItems_BothVersions(t *testing.T) {
	for name, raw := range map[string]string{
		"5.131 list":   `[{"id":3,"date":1}]`,
		"5.199 object": `{"items":[{"id":3,"date":1}],"profiles":[],"groups":[]}`,
	} {
		var posts []wallPost
		if err := decodeItems("wall.getById", json.RawMessage(raw), &posts); err != nil || len(posts) != 1 || posts[0].ID != 3 {
			t.Errorf("%s: got %+v, %v", name, posts, err)
		}
	}
	var posts []wallPost
	if err := decodeItems("wall.getById", json.RawMessage(`{"count":1}`), &posts); err == nil {
		t.Error("an object without items was read")
	}
}

func TestMsgDeleteResult_Shapes(t *testing.T) {
	tests := []struct {
		name, raw string
		class     moderation.ErrorClass // "" : success
		code      int
	}{
		{"5.131 map", `{"4001":1}`, "", 0},
		{"5.199 done", `[{"peer_id":501,"message_id":4001,"conversation_message_id":7,"response":1}]`, "", 0},
		{"5.199 not for all", `[{"message_id":4001,"response":0,"error":{"code":924,"description":"Can't delete this message for everybody"}}]`, moderation.ClassItem, 924},
		{"5.199 no reason", `[{"message_id":4001,"response":0}]`, moderation.ClassRetry, 0},
		{"5.131 map with 0", `{"4001":0}`, moderation.ClassRetry, 0},
		// An answer naming no message says nothing was deleted: it was
		// recorded as deleted while the message stayed in the dialog.
		{"5.199 empty list", `[]`, moderation.ClassRetry, 0},
		{"5.131 empty map", `{}`, moderation.ClassRetry, 0},
		{"null", `null`, moderation.ClassRetry, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := msgDeleteResult(json.RawMessage(tt.raw))
			if tt.class == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || moderation.Classify(err) != tt.class || apiCode(err) != tt.code {
				t.Fatalf("got %v (class %s, code %d), want class %s code %d", err, moderation.Classify(err), apiCode(err), tt.class, tt.code)
			}
		})
	}
}

// TestConnector_Delete_OldMessage199: at 5.199 VK reports "not for
// everybody" inside a successful answer; the connector must still fall
// back to deleting in the community's inbox, not count the message as gone.
func TestConnector_Delete_OldMessage199(t *testing.T) {
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	d := newDriver(t, c, nil)
	id := f.SendMessageAt(501, "старое личное", time.Now().Add(-48*time.Hour))
	d.Until("the message", d.Has("старое личное"))
	if err := c.Delete(context.Background(), d.Find("старое личное")[0].Comment.Ref); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls("messages.delete")
	if !f.Deleted(vktest.KindMessage, id) || len(calls) != 2 || calls[1].Params.Get("delete_for_all") != "0" {
		t.Fatalf("deleted %v, calls %+v", f.Deleted(vktest.KindMessage, id), calls)
	}
	if v := calls[0].Params.Get("v"); v != "5.199" {
		t.Errorf("v=%s, want 5.199", v)
	}
}

func TestConnector_Connect_Version199AndEndpoint(t *testing.T) {
	if DefaultAPIURL != "https://api.vk.ru/method/" {
		t.Errorf("default endpoint %s", DefaultAPIURL)
	}
	f := newFake(t, vktest.Options{})
	c := newConn(t, f, nil)
	connect(t, c)
	for _, call := range f.Calls("") {
		if call.Method != "a_check" && call.Params.Get("v") != apiVersion {
			t.Errorf("%s sent v=%q", call.Method, call.Params.Get("v"))
		}
	}
	set := f.Calls("groups.setLongPollSettings")
	if len(set) == 0 || set[0].Params.Get("api_version") != "5.199" {
		t.Fatalf("long poll events not asked in 5.199: %+v", set)
	}
}
