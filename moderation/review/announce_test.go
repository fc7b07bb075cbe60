package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
)

func TestSecurityText_Kinds(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ev := func(kind, subject, detail string) moderation.SecurityEvent {
		return moderation.SecurityEvent{At: at, Network: "vk", Account: "admin-vk", Kind: kind, Subject: subject, Detail: detail}
	}
	tests := []struct {
		lang string
		ev   moderation.SecurityEvent
		want string
	}{
		{"ru", ev("manager_added", "123", "Иван Петров · administrator"), "Безопасность · admin-vk: добавлен руководитель Иван Петров (123), роль — администратор"},
		{"en", ev("manager_added", "123", "Иван Петров · administrator"), "Security · admin-vk: manager added: Иван Петров (123), role administrator"},
		{"ru", ev("manager_removed", "7", "editor"), "Безопасность · admin-vk: снят руководитель 7 (был: редактор)"},
		{"ru", ev("manager_role", "7", "Пётр · editor → administrator"), "Безопасность · admin-vk: у руководителя Пётр (7) сменилась роль: редактор → администратор"},
		{"ru", ev("token_broken", "user", "users.get: revoked"), "Безопасность · admin-vk: перестал работать токен администратора: users.get: revoked"},
		{"ru", ev("token_right_lost", "community:manage", ""), "Безопасность · admin-vk: токен сообщества потерял право «manage»"},
		{"ru", ev("token_expiring", "", "expires 2026-12-01T13:00:00Z"), "Безопасность · admin-vk: токен скоро истечёт (2026-12-01T13:00:00Z) — обновите его"},
		{"ru", ev("setting_changed", "obscenity_filter", "on → off"), "Безопасность · admin-vk: изменена настройка «фильтр нецензурных выражений»: вкл. → выкл."},
		{"en", ev("setting_changed", "obscenity_filter", "on → off"), `Security · admin-vk: setting "obscenity_filter" changed: on → off`},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.ev.Kind, func(t *testing.T) {
			if got := review.SecurityText(tt.lang, tt.ev); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestTelegram_Announce_InTheChat(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	fan := review.NewFanout(nil)
	if err := fan.Add(review.ChannelTelegram, e.rv); err != nil {
		t.Fatal(err)
	}
	var a moderation.Announcer = fan
	ev := moderation.SecurityEvent{At: time.Now(), Network: "vk", Account: "admin-vk", Kind: moderation.SecManagerAdded,
		Subject: "123", Detail: "Иван <Петров> · administrator"}
	if err := a.Announce(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	m := e.card("Безопасность")
	if want := "⚠️ Безопасность · admin-vk: добавлен руководитель Иван <Петров> (123), роль — администратор"; m.Text != want {
		t.Errorf("message %q, want %q", m.Text, want)
	}
}
