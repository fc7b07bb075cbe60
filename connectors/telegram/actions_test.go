package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func ref(id int64) string { return strconv.FormatInt(groupID, 10) + ":" + strconv.FormatInt(id, 10) }

func TestConnector_Delete(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	ctx := context.Background()
	id := f.Comment(groupID, ivan, f.Post(groupID, "пост"), "удали меня")
	if err := c.Delete(ctx, ref(id)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if !deleted(f, id)() {
		t.Fatal("not deleted on the fake")
	}
	// "message to delete not found": already gone is success.
	if err := c.Delete(ctx, ref(id)); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	// Too old (48 h) or not allowed: permanent for the item.
	f.FailNext("deleteMessage", 1, 400, "Bad Request: message can't be deleted", 0)
	if err := c.Delete(ctx, ref(id)); moderation.Classify(err) != moderation.ClassItem {
		t.Fatalf("old message: %v", err)
	}
	// The bot lost its admin rights: the setup is broken.
	f.FailNext("deleteMessage", 1, 400, "Bad Request: not enough rights to delete a message", 0)
	if err := c.Delete(ctx, ref(id)); moderation.Classify(err) != moderation.ClassCredentials {
		t.Fatalf("no rights: %v", err)
	}
	if err := c.Delete(ctx, "nonsense"); moderation.Classify(err) != moderation.ClassItem {
		t.Fatalf("bad ref: %v", err)
	}
}

func TestConnector_Ban(t *testing.T) {
	ctx := context.Background()
	until := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	tests := []struct {
		name   string
		mode   string
		author string
		ban    moderation.BanRequest
		method string
		term   func(time.Time) bool
	}{
		{"ban for a term", BanModeBan, "501", moderation.BanRequest{Until: until}, "banChatMember",
			func(u time.Time) bool { return u.Equal(until) }},
		{"ban forever", BanModeBan, "501", moderation.BanRequest{}, "banChatMember",
			func(u time.Time) bool { return u.IsZero() }},
		{"two years cut under Telegram's 366 days", BanModeBan, "501", moderation.BanRequest{Until: time.Now().AddDate(2, 0, 0)}, "banChatMember",
			func(u time.Time) bool {
				return u.Before(time.Now().Add(366*24*time.Hour)) && u.After(time.Now().Add(300*24*time.Hour))
			}},
		{"restrict instead", BanModeRestrict, "501", moderation.BanRequest{Until: until}, "restrictChatMember",
			func(u time.Time) bool { return u.Equal(until) }},
		{"a channel author", BanModeRestrict, strconv.FormatInt(other.ID, 10), moderation.BanRequest{Until: until}, "banChatSenderChat",
			func(u time.Time) bool { return u.IsZero() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", func(cfg *Config) { cfg.BanMode = tt.mode })
			if !c.Capabilities().Has(moderation.ActBan) {
				t.Fatal("ban not declared")
			}
			if err := c.Ban(ctx, tt.author, tt.ban); err != nil {
				t.Fatalf("Ban: %v", err)
			}
			id, _ := strconv.ParseInt(tt.author, 10, 64)
			b, ok := f.Bans(groupID)[id]
			if !ok || b.Method != tt.method || !tt.term(b.Until) {
				t.Fatalf("ban on the fake: %+v (present %v)", b, ok)
			}
			if tt.method == "restrictChatMember" && !strings.Contains(b.Permission, `"can_send_messages":false`) {
				t.Errorf("permissions %s", b.Permission)
			}
			if err := c.Unban(ctx, tt.author); err != nil {
				t.Fatalf("Unban: %v", err)
			}
			if tt.method != "restrictChatMember" {
				if _, ok := f.Bans(groupID)[id]; ok {
					t.Fatal("still banned")
				}
			} else if b := f.Bans(groupID)[id]; !strings.Contains(b.Permission, `"can_send_messages":true`) {
				t.Fatalf("not lifted: %+v", b)
			}
		})
	}
}

func TestConnector_Restore_Unsupported(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	if c.Capabilities().Has(moderation.ActRestore) {
		t.Fatal("restore declared: Telegram cannot bring a message back")
	}
	if err := c.Restore(context.Background(), ref(1)); !errors.Is(err, moderation.ErrUnsupported) {
		t.Fatalf("Restore: %v", err)
	}
}
