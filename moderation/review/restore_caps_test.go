package review

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

func TestTelegram_Restorable_NetworkCannotRestore(t *testing.T) {
	done := []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone}}
	tg := &Telegram{caps: func(account string) moderation.Capabilities {
		return moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: account != "max-admin"}
	}}
	for _, tc := range []struct {
		account string
		want    bool
	}{{"vk-admin", true}, {"max-admin", false}} {
		d := &moderation.Decision{Comment: moderation.Comment{Account: tc.account}, Actions: done}
		if got := tg.restorable(d); got != tc.want {
			t.Errorf("%s: restorable %v, want %v", tc.account, got, tc.want)
		}
	}
	if !(&Telegram{}).restorable(&moderation.Decision{Actions: done}) {
		t.Error("without Capabilities every account must be restorable")
	}
}

// Where the network cannot ban (MAX), the card says the ban is strazh's
// own blacklist; elsewhere it says nothing of the kind.
func TestTelegram_ActionsLine_LocalBanSaysSo(t *testing.T) {
	tg := &Telegram{tx: ru, caps: func(account string) moderation.Capabilities {
		return moderation.Capabilities{Delete: true, Ban: true, Unban: true, BanLocal: account == "max-admin"}
	}}
	acts := []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionDone}, {Type: moderation.ActBan, State: moderation.ActionDone}}
	for _, tc := range []struct {
		account string
		want    bool
	}{{"max-admin", true}, {"vk-admin", false}} {
		d := &moderation.Decision{Comment: moderation.Comment{Account: tc.account}, Actions: acts}
		if got := strings.Contains(tg.actionsLine(d), "чёрном списке strazh"); got != tc.want {
			t.Errorf("%s: the card names the blacklist %v, want %v: %s", tc.account, got, tc.want, tg.actionsLine(d))
		}
	}
}
