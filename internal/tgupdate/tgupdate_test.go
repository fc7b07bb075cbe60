package tgupdate

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRead_Lean(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		text    string // the message's text read
		dropped []string
		err     bool
	}{
		{"plain", `{"update_id":7,"message":{"message_id":1,"date":5,"chat":{"id":1,"type":"supergroup"},"text":"привет"}}`,
			"привет", nil, false},
		{"unknown origin", `{"update_id":7,"message":{"message_id":1,"date":5,"chat":{"id":1,"type":"supergroup"},"text":"привет","forward_origin":{"type":"story"}}}`,
			"привет", []string{"message.forward_origin"}, false},
		{"in the reply", `{"update_id":7,"edited_message":{"message_id":2,"date":5,"chat":{"id":1,"type":"supergroup"},"text":"ответ",` +
			`"reply_to_message":{"message_id":1,"date":4,"chat":{"id":1,"type":"supergroup"},"text":"вопрос","forward_origin":{"type":"story"}}}}`,
			"ответ", []string{"edited_message.reply_to_message.forward_origin"}, false},
		{"message not an object", `{"update_id":7,"message":"?"}`, "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, dropped, err := Read(json.RawMessage(tt.raw))
			if (err != nil) != tt.err || u == nil || u.ID != 7 {
				t.Fatalf("update %+v, err %v", u, err)
			}
			m := u.Message
			if m == nil {
				m = u.EditedMessage
			}
			if got := ""; m != nil {
				got = m.Text
				if got != tt.text {
					t.Errorf("text %q, want %q", got, tt.text)
				}
			} else if tt.text != "" {
				t.Errorf("no message, want %q", tt.text)
			}
			if strings.Join(dropped, ",") != strings.Join(tt.dropped, ",") {
				t.Errorf("dropped %v, want %v", dropped, tt.dropped)
			}
			if tt.name == "in the reply" && (m.ReplyToMessage == nil || m.ReplyToMessage.Text != "вопрос") {
				t.Errorf("the reply's message lost: %+v", m.ReplyToMessage)
			}
		})
	}
}

// A moderator's tap whose callback query holds something the library cannot
// read is still read with its id, from, data and the card's chat and id.
func TestRead_LeanCallback(t *testing.T) {
	const card = `"message":{"message_id":42,"date":5,"chat":{"id":-100,"type":"supergroup"},"text":"карточка"%s}`
	tests := []struct {
		name    string
		raw     string
		dropped []string
	}{
		{"readable", `{"update_id":7,"callback_query":{"id":"q1","from":{"id":9,"is_bot":false,"first_name":"М"},"data":"del:5",` +
			strings.Replace(card, "%s", "", 1) + `}}`, nil},
		{"in the card", `{"update_id":7,"callback_query":{"id":"q1","from":{"id":9,"is_bot":false,"first_name":"М"},"data":"del:5",` +
			strings.Replace(card, "%s", `,"forward_origin":{"type":"story"}`, 1) + `}}`,
			[]string{"callback_query.message.forward_origin"}},
		{"in the query", `{"update_id":7,"callback_query":{"id":"q1","from":{"id":9,"is_bot":false,"first_name":"М"},"data":"del:5",` +
			`"game_short_name":{"new":"shape"},` + strings.Replace(card, "%s", "", 1) + `}}`,
			[]string{"callback_query.game_short_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, dropped, err := Read(json.RawMessage(tt.raw))
			if err != nil || u == nil || u.ID != 7 {
				t.Fatalf("update %+v, err %v", u, err)
			}
			q := u.CallbackQuery
			if q == nil {
				t.Fatal("the tap is lost: no callback query")
			}
			if q.ID != "q1" || q.From.ID != 9 || q.Data != "del:5" {
				t.Errorf("tap %+v, want id q1 from 9 data del:5", q)
			}
			if m := q.Message.Message; m == nil || m.ID != 42 || m.Chat.ID != -100 {
				t.Errorf("card %+v, want message 42 in chat -100", q.Message)
			}
			if strings.Join(dropped, ",") != strings.Join(tt.dropped, ",") {
				t.Errorf("dropped %v, want %v", dropped, tt.dropped)
			}
		})
	}
}
