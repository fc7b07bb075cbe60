package main

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// The review chat given under its new name, review.telegram: the daemon
// wires it through the fan-out, a tap deletes on the network and the card
// names the channel the moderator decided in.
const reviewSectionConfig = `state_dir: %s
metrics: {listen: ""}
rules: {builtin: ru}
review:
  telegram:
    api_url: %s
    token_env: STRAZH_E2E_TG_TOKEN
    chat_id: %d
    moderators: [%d]
accounts:
  - name: page
    network: sim
    api_url: %s
    token_env: STRAZH_E2E_SIM_TOKEN
    poll_wait: 1s
`

func TestReviewE2E_ReviewSection(t *testing.T) {
	r := newReviewRigConfig(t, reviewSectionConfig)
	id := r.net.Post("p1", "u79", "Пётр", threat)
	m := r.card(t, "убью")
	if err := r.tg.Press(e2eChat, m.ID, "Удалить", secretary); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "deleted on the network", func() bool { return r.net.Deleted(id) })
	r.waitCard(t, m.ID, "names who and where", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Мария Иванова (Telegram)") && len(m.Buttons()) == 0
	})
}
