package review

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/strazh/strazh/moderation/review/cardstore"
)

// stubTransport is a messenger that answers nothing, for what does not
// need one.
type stubTransport struct{ name string }

func (s stubTransport) channel() string { return s.name }
func (stubTransport) send(context.Context, int64, outMsg) (string, error) {
	return "", context.Canceled
}
func (stubTransport) edit(context.Context, int64, string, outMsg) error         { return nil }
func (stubTransport) editKeyboard(context.Context, int64, string, outMsg) error { return nil }
func (stubTransport) answer(context.Context, string, string, bool) error        { return nil }
func (stubTransport) setCommands(context.Context, int64, []command) error       { return nil }
func (stubTransport) updates(_ context.Context, o int64) ([]update, int64, error) {
	return nil, o, nil
}
func (stubTransport) link(int64, string) string { return "" }
func (stubTransport) failure(error) failure     { return failure{class: ClassServer} }
func (stubTransport) limits() limits {
	return limits{maxVisible: 3800, perWindow: 100, window: time.Minute, minGap: 50 * time.Millisecond}
}

// Two reviewers on one registry (Telegram and MAX) used to panic on a
// duplicate registration; now they share the vectors and each outbox gauge
// carries its channel.
func TestReviewer_Metrics_TwoChannelsOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	t.Setenv("STRAZH_SEAM_TOKEN", "123:abc")
	cfg := DefaultConfig()
	cfg.ChatID, cfg.Moderators, cfg.TokenEnv = -100, []int64{1}, "STRAZH_SEAM_TOKEN"
	tgStore, mxStore := cardstore.NewMem(), cardstore.NewMem()
	if _, err := New(cfg, Deps{Moderation: &fuzzMod{}, Store: tgStore, Metrics: reg}); err != nil {
		t.Fatal(err)
	}
	st := stubTransport{name: ChannelMAX}
	mx := newReviewer(cfg, "", Deps{Moderation: &fuzzMod{}, Store: mxStore, Metrics: reg}, st.limits())
	mx.setTransport(st)
	if mx.tm.MinGap != 50*time.Millisecond || mx.tm.PerMinute != 100 {
		t.Errorf("pacing defaults %v, %d: want the transport's", mx.tm.MinGap, mx.tm.PerMinute)
	}
	if err := mxStore.Apply(cardstore.Change{Enqueue: []*cardstore.Outgoing{{Prio: cardstore.PrioReview,
		Op: cardstore.OpSend, Card: "K", Created: time.Now().Add(-time.Minute)}}}); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP strazh_review_cards_waiting Review cards queued for the chat and not sent yet (the messenger down, chat not found, bot removed).
# TYPE strazh_review_cards_waiting gauge
strazh_review_cards_waiting{channel="max"} 1
strazh_review_cards_waiting{channel="telegram"} 0
# HELP strazh_review_channel_up 1 while the review channel works, 0 while its last send or receive failed (see /readyz for why).
# TYPE strazh_review_channel_up gauge
strazh_review_channel_up{channel="max"} 1
strazh_review_channel_up{channel="telegram"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "strazh_review_cards_waiting", "strazh_review_channel_up"); err != nil {
		t.Error(err)
	}
}
