package review

import (
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
