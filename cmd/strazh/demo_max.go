package main

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/strazh/strazh/connectors/max/maxtest"
)

// The demo's second review chat, in MAX (issue 14): the same cards go to
// the MAX fake; the simulated press secretary taps in Telegram, and each
// MAX card is closed with that decision («… (Telegram)»).

const (
	demoMAXChatID int64 = -70000000000042
	demoMAXModID  int64 = 4343
)

// demoMAX is the MAX bot API fake on loopback.
type demoMAX struct {
	fake *maxtest.Server
	srv  *httptest.Server
}

func newDemoMAX() *demoMAX {
	f := maxtest.New(maxtest.Options{})
	return &demoMAX{fake: f, srv: httptest.NewServer(f)}
}

func (m *demoMAX) Close() { m.srv.Close() }

// section is review.max of the demo's configuration.
func (m *demoMAX) section(language string) map[string]any {
	return map[string]any{"max": map[string]any{"api_url": m.srv.URL, "token_env": "STRAZH_DEMO_MAX_TOKEN",
		"chat_id": demoMAXChatID, "moderators": []int64{demoMAXModID}, "language": language}}
}

// summary says how many review cards the MAX chat got and how many of them
// show the decision made in Telegram.
func (m *demoMAX) summary(w io.Writer, language string) {
	cards, closed := 0, 0
	for _, msg := range m.fake.Messages(demoMAXChatID) {
		head, _, _ := strings.Cut(msg.Body.Text, "\n")
		switch {
		case strings.Contains(head, "Проверено") || strings.Contains(head, "Reviewed"):
			cards++
			if strings.Contains(msg.Body.Text, "(Telegram)") {
				closed++
			}
		case strings.Contains(head, "ужно решение") || strings.Contains(head, "ecision needed"):
			cards++ // still open
		}
	}
	format := "MAX review chat: %d cards, %d closed there by the taps in Telegram\n"
	if language != "en" {
		format = "Чат проверки в MAX: карточек %d, закрыто решением из Telegram %d\n"
	}
	fmt.Fprintf(w, format, cards, closed)
}
