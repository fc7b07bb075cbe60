package max

import (
	"errors"
	"slices"
	"testing"

	"github.com/strazh/strazh/connectors/max/maxapi"
	"github.com/strazh/strazh/connectors/max/maxtest"
	"github.com/strazh/strazh/moderation"
)

func TestConnector_Managers_ChannelAdmins(t *testing.T) {
	f := newFake(t, maxtest.Options{})
	c := newConn(t, f, "max", nil)
	ms, err := c.Managers(t.Context())
	if err != nil || len(ms) != 2 || ms[1].Role != "creator" || ms[1].Name != "Администратор канала" {
		t.Fatalf("managers %+v, %v", ms, err)
	}
	f.SetAdmins(maxapi.User{UserID: 1, Name: "Администратор канала"}, maxapi.User{UserID: 77, Name: "Новый"})
	ms, err = c.Managers(t.Context())
	if err != nil || len(ms) != 3 || ms[2].ID != "77" || ms[2].Role != "administrator" {
		t.Errorf("after a new admin: %+v, %v", ms, err)
	}
}

func TestConnector_Access_BotRights(t *testing.T) {
	tests := []struct {
		name    string
		script  func(f *fake)
		missing []string
		broken  bool
	}{
		{"healthy", func(*fake) {}, nil, false},
		{"cannot delete", func(f *fake) { f.SetBotPermissions("read_all_messages", "write") }, []string{"bot:delete"}, false},
		{"legacy name", func(f *fake) { f.SetBotPermissions("read_all_messages", "delete_message") }, nil, false},
		{"not an admin", func(f *fake) { f.SetBotPermissions() }, []string{"bot:read_all_messages", "bot:delete"}, false},
		{"token revoked", func(f *fake) { f.SetToken("another") }, []string{"bot:read_all_messages", "bot:delete"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, maxtest.Options{})
			c := newConn(t, f, "max", nil)
			tt.script(f)
			a, err := c.Access(t.Context())
			tes := moderation.TokenErrors(err)
			if tt.broken != (len(tes) == 1 && tes[0].Token == "bot" && errors.Is(err, moderation.ErrCredentials)) {
				t.Fatalf("Access error %v, want broken %v", err, tt.broken)
			}
			if !tt.broken && err != nil {
				t.Fatal(err)
			}
			var missing []string
			for _, n := range a.Needed {
				if !slices.Contains(a.Rights, n) {
					missing = append(missing, n)
				}
			}
			if !slices.Equal(missing, tt.missing) {
				t.Errorf("missing %v, want %v (rights %v)", missing, tt.missing, a.Rights)
			}
		})
	}
}

func TestConnector_Settings_Unsupported(t *testing.T) {
	c := newConn(t, newFake(t, maxtest.Options{}), "max", nil)
	if _, err := c.Settings(t.Context()); !errors.Is(err, moderation.ErrUnsupported) {
		t.Errorf("Settings: %v", err)
	}
}
