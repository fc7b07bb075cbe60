package telegram

import (
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Convert_MessageKinds: a comment that is not text (a poll,
// a contact card, a place, an audio, a round video, a location) is a
// comment to decide, with what it shows as its text. Before, any message
// without text, caption or one of six attachment kinds was taken for a
// service message and dropped: a contact card of a spammer's number or a
// poll with мат in its question was never moderated nor recorded.
func TestConnector_Convert_MessageKinds(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", func(cfg *Config) { cfg.Scope = ScopeAll })
	now := time.Now()
	tests := []struct {
		name   string
		m      models.Message
		text   string
		attach string
	}{
		{"contact", models.Message{Contact: &models.Contact{FirstName: "Займы", LastName: "Быстро", PhoneNumber: "+79001234567"}},
			"Займы Быстро +79001234567", "contact"},
		{"poll", models.Message{Poll: &models.Poll{Question: "Кто виноват?", Options: []models.PollOption{{Text: "мэр"}, {Text: "никто"}}}},
			"Кто виноват?\nмэр\nникто", "poll"},
		{"venue", models.Message{Venue: &models.Venue{Title: "Яма", Address: "ул. Лесная, 5"}}, "Яма\nул. Лесная, 5", "venue"},
		{"location", models.Message{Location: &models.Location{Latitude: 55.7, Longitude: 37.6}}, "", "location"},
		{"audio", models.Message{Audio: &models.Audio{FileID: "a"}}, "", "audio"},
		{"round video", models.Message{VideoNote: &models.VideoNote{FileID: "v"}}, "", "video_note"},
		{"poll with a caption-like text kept", models.Message{Text: "голосуйте", Poll: &models.Poll{Question: "?"}}, "голосуйте", "poll"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.m
			m.ID = 100 + i
			m.Date = int(now.Unix())
			m.Chat = models.Chat{ID: groupID, Type: "supergroup"}
			m.From = &models.User{ID: ivan.ID, FirstName: ivan.FirstName}
			c.mu.Lock()
			up, ok := c.convert(&models.Update{ID: int64(1000 + i), Message: &m})
			c.mu.Unlock()
			if !ok || up.Type != moderation.UpdateComment {
				t.Fatalf("not delivered: %+v", up)
			}
			if up.Comment.Text != tt.text || len(up.Comment.Attach) != 1 || up.Comment.Attach[0] != tt.attach {
				t.Fatalf("text %q attach %v, want %q [%s]", up.Comment.Text, up.Comment.Attach, tt.text, tt.attach)
			}
		})
	}
	// A service message stays out.
	joined := models.Message{ID: 200, Date: int(now.Unix()), Chat: models.Chat{ID: groupID, Type: "supergroup"},
		From: &models.User{ID: ivan.ID}, NewChatMembers: []models.User{{ID: ivan.ID}}}
	c.mu.Lock()
	_, ok := c.convert(&models.Update{ID: 2000, Message: &joined})
	c.mu.Unlock()
	if ok {
		t.Fatal("a service message delivered")
	}
}
