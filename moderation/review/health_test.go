package review_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// labelled is the value of the series of name with these labels (-1: absent).
func labelled(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}

// A review chat that cannot send is a metric and a reason: the channel is
// down (strazh_review_channel_up{channel="telegram"} 0, Health says why),
// each failed send counted by class; a delivered card brings it back up.
func TestTelegram_Health_ChannelDownAndUp(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	tg := map[string]string{"channel": "telegram"}
	if v := labelled(t, e.reg, "strazh_review_channel_up", tg); v != 1 {
		t.Fatalf("channel_up at start = %v, want 1", v)
	}
	for _, class := range []string{"rate_limit", "network", "unauthorized", "forbidden", "chat_not_found", "bad_request", "server"} {
		if v := labelled(t, e.reg, "strazh_review_send_errors_total", map[string]string{"channel": "telegram", "class": class}); v != 0 {
			t.Errorf("send errors %s at start = %v, want a series at 0", class, v)
		}
	}
	e.tg.FailNext("sendMessage", 3, 403, "Forbidden: bot was kicked from the supergroup chat", 0)
	e.submit(e.mod.review("Когда починят фонари у школы?"))
	forbidden := map[string]string{"channel": "telegram", "class": "forbidden"}
	if err := e.tg.Wait(e.ctx(), func() bool { return labelled(t, e.reg, "strazh_review_send_errors_total", forbidden) >= 1 }); err != nil {
		t.Fatal("no forbidden send error counted")
	}
	// Between the failure and the retry the channel is down with the reason.
	// The retries may succeed meanwhile, and from here the channel only goes
	// from down to up: a gauge at 0 means Health failed just before it, a
	// gauge at 1 that Health passes just after it.
	before := e.rv.Health()
	up := labelled(t, e.reg, "strazh_review_channel_up", tg)
	after := e.rv.Health()
	if up == 0 && before == nil {
		t.Fatalf("channel_up 0 but Health() just before = nil")
	}
	if up == 1 && after != nil {
		t.Fatalf("channel_up 1 but Health() just after = %v", after)
	}
	herr := before
	if herr != nil && (!strings.Contains(herr.Error(), "forbidden") || strings.Contains(herr.Error(), e.tg.Token())) {
		t.Errorf("Health() = %v: want the class, never the token", herr)
	}
	e.card("Когда починят фонари")
	if err := e.tg.Wait(e.ctx(), func() bool { return labelled(t, e.reg, "strazh_review_channel_up", tg) == 1 }); err != nil {
		t.Fatal("channel_up stays 0 after a delivered card")
	}
	if err := e.rv.Health(); err != nil {
		t.Errorf("Health() after delivery = %v", err)
	}
	if v := labelled(t, e.reg, "strazh_review_send_errors_total", forbidden); v != 3 {
		t.Errorf("forbidden send errors = %v, want 3", v)
	}
}

// A dead Telegram keeps the channel down, with the network class.
func TestTelegram_Health_Unreachable(t *testing.T) {
	e := newEnv(t, nil)
	e.tg.Down()
	e.start()
	e.submit(e.mod.review("Уберите сугробы во дворе"))
	tg := map[string]string{"channel": "telegram"}
	if err := e.tg.Wait(e.ctx(), func() bool { return labelled(t, e.reg, "strazh_review_channel_up", tg) == 0 }); err != nil {
		t.Fatal("channel_up stays 1 while Telegram is unreachable")
	}
	if err := e.rv.Health(); err == nil {
		t.Error("Health() = nil while Telegram is unreachable")
	}
}
