package telegram

import (
	"errors"
	"slices"
	"testing"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestConnector_Managers_GroupAdmins(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, "tg", nil)
	ms, err := c.Managers(t.Context())
	if err != nil || len(ms) != 1 || ms[0].ID != "42" || ms[0].Role != "administrator" {
		t.Fatalf("managers %+v, %v", ms, err)
	}
	f.SetGroupAdmins(groupID, adminID, 777)
	ms, err = c.Managers(t.Context())
	if err != nil || len(ms) != 2 || ms[1].ID != "777" {
		t.Errorf("after a new admin: %+v, %v", ms, err)
	}
}

func TestConnector_Access_BotRights(t *testing.T) {
	tests := []struct {
		name   string
		script func(f *telegramtest.Server)
		rights []string
		broken bool
	}{
		{"admin with both", func(*telegramtest.Server) {}, []string{"bot:delete_messages", "bot:restrict_members"}, false},
		{"cannot ban", func(f *telegramtest.Server) { f.SetBotRights(groupID, telegramtest.BotRights{DeleteMessages: true}) },
			[]string{"bot:delete_messages"}, false},
		{"demoted to member", func(f *telegramtest.Server) { f.SetBotRights(groupID, telegramtest.BotRights{}) }, nil, false},
		{"token revoked", func(f *telegramtest.Server) { f.FailNext("getMe", 1, 401, "Unauthorized", 0) }, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			c := newConn(t, f, "tg", nil)
			tt.script(f)
			a, err := c.Access(t.Context())
			tes := moderation.TokenErrors(err)
			if tt.broken != (len(tes) == 1 && tes[0].Token == "bot" && errors.Is(err, moderation.ErrCredentials)) {
				t.Fatalf("Access error %v, want broken %v", err, tt.broken)
			}
			if !tt.broken && err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Rights, tt.rights) || !slices.Equal(a.Needed, []string{"bot:delete_messages", "bot:restrict_members"}) {
				t.Errorf("rights %v needed %v, want rights %v", a.Rights, a.Needed, tt.rights)
			}
		})
	}
}

func TestConnector_Settings_Unsupported(t *testing.T) {
	c := newConn(t, newFake(t), "tg", nil)
	if _, err := c.Settings(t.Context()); !errors.Is(err, moderation.ErrUnsupported) {
		t.Errorf("Settings: %v", err)
	}
}
