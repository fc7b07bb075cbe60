package review

import (
	"testing"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

func TestMaxUpdate_ReplyLink(t *testing.T) {
	sender := &maxapi.User{UserID: 501, Name: "Мария"}
	tests := []struct {
		name string
		link *maxapi.LinkedMessage
		want string
	}{
		{"a reply", &maxapi.LinkedMessage{Type: "reply", Message: &maxapi.Body{Mid: "mid.card"}}, "mid.card"},
		{"a forward is no reply", &maxapi.LinkedMessage{Type: "forward", Message: &maxapi.Body{Mid: "mid.card"}}, ""},
		{"a reply without its message", &maxapi.LinkedMessage{Type: "reply"}, ""},
		{"no link", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := maxapi.Update{Type: maxapi.UpdateMessageCreated, Message: &maxapi.Message{Sender: sender,
				Recipient: maxapi.Recipient{ChatID: -70}, Body: maxapi.Body{Mid: "mid.answer", Text: "Ответ"}, Link: tt.link}}
			got, ok := maxUpdate(&u)
			if !ok || got.msg == nil {
				t.Fatalf("maxUpdate = %+v, %v", got, ok)
			}
			if got.msg.replyTo != tt.want || got.msg.id != "mid.answer" {
				t.Errorf("replyTo %q id %q, want replyTo %q", got.msg.replyTo, got.msg.id, tt.want)
			}
		})
	}
}
