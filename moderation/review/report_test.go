package review_test

import (
	"context"
	"testing"

	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

func TestTelegram_SendReport_SummaryAndDocument(t *testing.T) {
	e := newEnv(t, nil)
	// The first upload fails: the outbox retries it, nothing is lost.
	e.tg.FailNext("sendDocument", 1, 502, "Bad Gateway", 0)
	e.start()
	fan := review.NewFanout(nil)
	if err := fan.Add(review.ChannelTelegram, e.rv); err != nil {
		t.Fatal(err)
	}
	doc := []byte("<!doctype html><title>Отчёт</title>")
	err := fan.SendReport(context.Background(), review.Report{Summary: "Отчёт за неделю\nКомментариев: 12 <всего>",
		Caption: "Отчёт за неделю", Name: "otchet-2026-11-30.html", Doc: doc})
	if err != nil {
		t.Fatal(err)
	}
	if m := e.card("Комментариев: 12"); m.Text != "Отчёт за неделю\nКомментариев: 12 <всего>" {
		t.Errorf("summary %q", m.Text)
	}
	m, err := e.tg.WaitMessage(e.ctx(), chatID, func(m telegramtest.Message) bool { return m.Document != nil })
	if err != nil {
		t.Fatalf("no document; messages: %v", texts(e.tg.BotMessages(chatID)))
	}
	if m.Document.Name != "otchet-2026-11-30.html" || string(m.Document.Data) != string(doc) || m.Text != "Отчёт за неделю" {
		t.Errorf("document %q %q caption %q", m.Document.Name, m.Document.Data, m.Text)
	}
	if n := e.tg.Calls("sendDocument", 502); n != 1 {
		t.Errorf("failed uploads = %d, want 1 (then retried)", n)
	}
	if n := len(e.tg.Documents(chatID)); n != 1 {
		t.Errorf("documents = %d, want 1", n)
	}
}

// MAX's file upload is not in our platform notes: the MAX chat gets the
// summary and no file, and nothing waits in its outbox for a send it
// cannot make.
func TestMAX_SendReport_SummaryOnly(t *testing.T) {
	e := newMAXEnv(t, nil)
	e.start()
	if err := e.rv.SendReport(context.Background(), review.Report{Summary: "📊 Отчёт за неделю\nКомментариев: 3",
		Name: "r.html", Doc: []byte("<html>")}); err != nil {
		t.Fatal(err)
	}
	m := e.card("Комментариев: 3")
	if len(m.Body.Attachments) != 0 {
		t.Errorf("summary has attachments %v", m.Body.Attachments)
	}
	if err := e.mx.Wait(e.ctx(), func() bool { o, _ := e.store.Outbox(); return len(o) == 0 }); err != nil {
		o, _ := e.store.Outbox()
		t.Errorf("outbox keeps %d entries", len(o))
	}
}
