package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// fanEnv is two review channels (two Telegram fakes, each with its own
// card store) over one fake pipeline, behind one Fanout.
type fanEnv struct {
	a, b *env
	fan  *review.Fanout
}

// newFanEnv starts both channels; a long tick means a card in one channel
// can learn of a decision in the other only through the fan-out.
func newFanEnv(t *testing.T, beforeStart func(*fanEnv)) *fanEnv {
	t.Helper()
	f := &fanEnv{a: newEnv(t, nil), b: newEnv(t, nil), fan: review.NewFanout(nil)}
	f.b.mod = f.a.mod
	for _, e := range []*env{f.a, f.b} {
		e.tm.Tick = time.Hour
	}
	if beforeStart != nil {
		beforeStart(f)
	}
	var mod review.Moderation = f.a.mod
	if f.a.moderation != nil {
		mod = f.a.moderation
	}
	f.a.moderation = f.fan.Moderation("a", mod)
	f.b.moderation = f.fan.Moderation("b", mod)
	f.a.start()
	f.b.start()
	for _, c := range []struct {
		name string
		rv   *review.Telegram
	}{{"a", f.a.rv}, {"b", f.b.rv}} {
		if err := f.fan.Add(c.name, c.rv); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.fan.Add("a", f.b.rv); err == nil {
		t.Error("a second channel named a was accepted")
	}
	return f
}

func noButtons(m telegramtest.Message) bool { return len(m.Keyboard) == 0 }

func TestFanout_Submit_OneChannelDown(t *testing.T) {
	f := newFanEnv(t, func(f *fanEnv) { f.a.tg.Down() })
	d := f.a.mod.review("спорный комментарий")
	done := make(chan error, 1)
	go func() { done <- f.fan.Submit(context.Background(), d) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-f.a.ctx().Done():
		t.Fatal("Submit waited for the channel that is down")
	}
	m := f.b.card("#1")
	f.b.press(m, "Удалить", maria)
	calls := f.a.mod.calls()
	if len(calls) != 1 || calls[0].Verdict != moderation.Delete || calls[0].By != "telegram:77" {
		t.Fatalf("Resolve calls = %+v", calls)
	}
	if got := f.a.mod.get(1); !decided(got) {
		t.Fatalf("decision not resolved: %+v", got.Review)
	}
	f.b.waitMsg(m.ID, "decided", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "удалить — Мария Иванова (Telegram)") && noButtons(m)
	})
	if err := f.a.tg.Wait(f.a.ctx(), func() bool { return f.fan.Health() != nil }); err != nil {
		t.Fatal("Health() = nil while channel a is down")
	}
	if up := labelled(t, f.a.reg, "strazh_review_channel_up", map[string]string{"channel": "telegram"}); up != 0 {
		t.Errorf("channel a: strazh_review_channel_up = %v while down", up)
	}
	if up := labelled(t, f.b.reg, "strazh_review_channel_up", map[string]string{"channel": "telegram"}); up != 1 {
		t.Errorf("channel b: strazh_review_channel_up = %v while up", up)
	}
	if err := f.fan.Health(); err == nil || !strings.Contains(err.Error(), "telegram review chat: sending") {
		t.Errorf("Health = %v, want the channel that is down named", err)
	}
	// Back up: the card that waited goes out showing the decision, without buttons.
	f.a.tg.Up()
	ma := f.a.card("#1")
	ma = f.a.waitMsg(ma.ID, "shows the decision", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Мария Иванова") && noButtons(m)
	})
	if len(f.a.mod.calls()) != 1 {
		t.Errorf("Resolve calls = %+v", f.a.mod.calls())
	}
}

func TestFanout_Tap_ClosesCardInOtherChannel(t *testing.T) {
	f := newFanEnv(t, nil)
	if err := f.fan.Submit(context.Background(), f.a.mod.review("сомнительно")); err != nil {
		t.Fatal(err)
	}
	ma, mb := f.a.card("#1"), f.b.card("#1")
	if strings.Join(mb.Buttons(), "|") != "Оставить|Удалить|Удалить и забанить" {
		t.Fatalf("buttons in b = %q", mb.Buttons())
	}
	f.a.press(ma, "Оставить", oleg)
	f.b.waitMsg(mb.ID, "closed by the tap in a", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "оставить — Олег (Telegram)") && noButtons(m)
	})
	if calls := f.a.mod.calls(); len(calls) != 1 {
		t.Fatalf("Resolve calls = %+v", calls)
	}
}

func TestFanout_Notify_UndoShownInOtherChannel(t *testing.T) {
	f := newFanEnv(t, nil)
	if err := f.fan.Notify(context.Background(), f.a.mod.auto("спам", moderation.Delete)); err != nil {
		t.Fatal(err)
	}
	ma, mb := f.a.card("спам"), f.b.card("спам")
	f.a.press(ma, "Восстановить", maria)
	f.b.waitMsg(mb.ID, "shows the undo", func(m telegramtest.Message) bool {
		// The decision keeps no name of who undid it: the identity names the channel.
		return strings.Contains(m.Text, "Отменено: telegram:77") && !strings.Contains(strings.Join(m.Buttons(), "|"), "Восстановить")
	})
}

func decided(d *moderation.Decision) bool {
	return d.Review != nil && d.Review.Status == moderation.ReviewDecided
}

// The fan-out keeps the pipeline's district: «Забанить везде» is offered
// and its ban, too, closes the card in the other channel.
func TestFanout_District_BanEverywhere(t *testing.T) {
	var dm *districtMod
	f := newFanEnv(t, func(f *fanEnv) {
		dm = &districtMod{fakeMod: f.a.mod, pages: []string{"admin-vk", "glava-vk"}}
		f.a.moderation = dm
	})
	if err := f.fan.Submit(context.Background(), f.a.mod.review("сомнительно")); err != nil {
		t.Fatal(err)
	}
	ma, mb := f.a.card("#1"), f.b.card("#1")
	f.a.press(ma, "Забанить везде", maria)
	menu := f.a.waitMsg(ma.ID, "the lengths", func(m telegramtest.Message) bool { return hasButton(m, "1 неделя") })
	f.a.press(menu, "1 неделя", maria)
	f.b.waitMsg(mb.ID, "closed by the district ban in a", func(m telegramtest.Message) bool {
		return strings.Contains(m.Text, "Мария Иванова (Telegram)") && noButtons(m)
	})
	dm.mu.Lock()
	defer dm.mu.Unlock()
	if len(dm.calls) != 1 {
		t.Fatalf("ResolveDistrict calls = %+v", dm.calls)
	}
}
